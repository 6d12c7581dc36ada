// Builds everything into dist/ with esbuild: the runtime (library, CLI and server in one file), the
// extension host bundle, and one browser bundle per webview (webviews/<name>/main.ts).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native or heavy packages stay in node_modules and are loaded at run time by the runtime process.
const runtimeExternals = [
  'better-sqlite3',
  '@photostructure/sqlite',
  // @duckdb/node-api is plain JavaScript (180 files) and is bundled; its binding loads the native module.
  '@duckdb/node-bindings',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  'esbuild',
  'onnxruntime-node',
];

const common = { bundle: true, sourcemap: true, minify: production, logLevel: 'warning', absWorkingDir: root };

const jobs = [
  {
    ...common,
    entryPoints: { cli: 'runtime/cli/main.ts' },
    outdir: 'dist/runtime',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: runtimeExternals,
    banner: { js: '#!/usr/bin/env node' },
  },
  // The thread that holds a MySQL store's connection (runtime/metadata/mysqlClient.ts loads it from beside cli.js).
  {
    ...common,
    entryPoints: { mysqlWorker: 'runtime/metadata/mysqlWorker.ts' },
    outdir: 'dist/runtime',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: runtimeExternals,
  },
  {
    ...common,
    entryPoints: { dsl: 'runtime/definition/dsl.ts' },
    outdir: 'dist/runtime',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: runtimeExternals,
  },
];

// The TypeScript server plugin (typescript-plugin/): tsserver loads it from node_modules/mlpipe-typescript-plugin,
// a `file:` dependency that npm installs as a copy (.npmrc install-links), so it is built straight into that
// copy; its package.json is refreshed there too, so a build without `npm ci` still leaves a loadable package.
const pluginPackage = join(root, 'node_modules', 'mlpipe-typescript-plugin');
mkdirSync(pluginPackage, { recursive: true });
copyFileSync(join(root, 'typescript-plugin', 'package.json'), join(pluginPackage, 'package.json'));
jobs.push({
  ...common,
  entryPoints: { index: 'typescript-plugin/src/index.ts' },
  outdir: 'node_modules/mlpipe-typescript-plugin/dist',
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  external: ['typescript'],
});

if (existsSync(join(root, 'extension/extension.ts'))) {
  jobs.push({
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    outdir: 'dist/extension',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The extension host never loads native modules: only `vscode` stays external.
    external: ['vscode'],
  });
}

const webviewDir = join(root, 'webviews');
for (const name of existsSync(webviewDir) ? readdirSync(webviewDir) : []) {
  const entry = join(webviewDir, name, 'main.ts');
  if (!statSync(join(webviewDir, name)).isDirectory() || !existsSync(entry)) continue;
  jobs.push({
    ...common,
    entryPoints: { [name]: `webviews/${name}/main.ts` },
    outdir: 'dist/webviews',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    loader: { '.css': 'text' },
  });
}

// Every bundle is attempted, so one broken entry point does not hide the others' errors.
let failed = 0;
for (const job of jobs) {
  if (job.entryPoints && Object.values(job.entryPoints).some((p) => !existsSync(join(root, p)))) continue;
  try {
    if (watch) {
      const { context } = await import('esbuild');
      const ctx = await context(job);
      await ctx.watch();
    } else {
      await build(job);
    }
  } catch {
    failed++;
  }
}
// The Python bridge of Trainer run_fn modules and python-format models, beside the runtime bundle.
mkdirSync(join(root, 'dist', 'runtime'), { recursive: true });
copyFileSync(join(root, 'runtime', 'model', 'python', 'mlpipe_fn.py'), join(root, 'dist', 'runtime', 'mlpipe_fn.py'));
if (failed) {
  console.error(`${failed} bundle(s) failed to build`);
  process.exit(1);
}
if (!watch) {
  // The pipeline-file JSON Schema, generated from the component registry, for jsonValidation/yamlValidation.
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(root, 'dist/runtime/cli.js'), 'schema', '--out', join(root, 'dist/pipeline.schema.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('could not write dist/pipeline.schema.json');
    process.exit(1);
  }
  emitAuthoringTypes();
  console.log(`built ${jobs.length} bundles into dist/, and the authoring types into dist/types/`);
}

/**
 * The declarations of `import … from 'mlpipe'` (runtime/definition/dsl.ts and the types it re-exports), into
 * dist/types/ with the runtime's folder layout. The TypeScript plugin points user workspaces at them.
 */
function emitAuthoringTypes() {
  const require = createRequire(import.meta.url);
  const ts = require('typescript');
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: join(root, 'dist', 'types'),
    rootDir: root,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    esModuleInterop: true,
    skipLibCheck: true,
  };
  const program = ts.createProgram([join(root, 'runtime', 'definition', 'dsl.ts')], options);
  const result = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0 || result.emitSkipped) {
    console.error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
    console.error('could not write the authoring types (dist/types)');
    process.exit(1);
  }
}
