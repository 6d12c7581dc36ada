// Builds everything into dist/ with esbuild: the runtime (library, CLI and server in one file), the
// extension host bundle, and one browser bundle per webview (webviews/<name>/main.ts).
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native or heavy packages stay in node_modules and are loaded at run time by the runtime process.
const runtimeExternals = [
  'better-sqlite3',
  '@duckdb/node-api',
  '@duckdb/node-bindings',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  'esbuild',
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
  console.log(`built ${jobs.length} bundles into dist/`);
}
