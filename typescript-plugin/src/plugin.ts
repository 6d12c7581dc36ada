// A TypeScript server plugin, loaded by VS Code's TypeScript support for every TS file in the workspace
// (package.json `contributes.typescriptServerPlugins`). It resolves imports of the `mlpipe` module to the
// type declarations shipped with the extension (dist/types), so a `.pipeline.ts` file or a Trainer module
// in any workspace gets completions, hovers and wiring errors without installing anything. A workspace
// that has its own `mlpipe` module (node_modules or tsconfig paths) keeps it: only an import TypeScript
// could not resolve is redirected.
//
// It runs inside tsserver, not the extension host: it never imports `vscode`, and takes TypeScript from
// the server that loads it (so it works with the workspace's TypeScript version too).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import type * as ts from 'typescript/lib/tsserverlibrary';

export const MODULE_NAME = 'mlpipe';

/** The extension's own folder: the nearest folder above `start` whose package.json is named "mlpipe". */
export function findExtensionRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === MODULE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The declaration file `mlpipe` resolves to, inside the extension folder. */
export function typesEntry(extensionRoot: string): string {
  return join(extensionRoot, 'dist', 'types', 'runtime', 'definition', 'dsl.d.ts');
}

/** The file the packaged extension (scripts/package.mjs) packs its declarations into, and its format. */
export const PACKED_TYPES = join('dist', 'types.json');
interface PackedTypes {
  /** Paths relative to the extension folder (dist/types/…, node_modules/<pkg>/…) and their text. */
  files: Record<string, string>;
}

/**
 * Where the declarations are read from. In a checkout, the extension folder itself. In an installed VSIX,
 * the ~600 declaration files that `mlpipe`'s types reach (TensorFlow.js's) travel as one file,
 * dist/types.json, which is unpacked once, on first use, into a folder of its own under `cacheRoot` named by
 * its content hash, with the same layout, so TypeScript resolves `@tensorflow/tfjs` from dsl.d.ts as usual.
 */
export function typesRoot(extensionRoot: string, cacheRoot: string = join(tmpdir(), 'mlpipe-types')): string {
  const packed = join(extensionRoot, PACKED_TYPES);
  if (!existsSync(packed)) return extensionRoot;
  const text = readFileSync(packed);
  const dir = join(cacheRoot, createHash('sha256').update(text).digest('hex').slice(0, 16));
  const complete = join(dir, '.complete');
  if (existsSync(complete)) return dir;
  const { files } = JSON.parse(text.toString('utf8')) as PackedTypes;
  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const target = normalize(join(work, rel));
    if (!target.startsWith(work + sep)) continue; // a path outside the folder is not ours to write
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  writeFileSync(join(work, '.complete'), '');
  try {
    renameSync(work, dir);
  } catch {
    // Another tsserver unpacked the same declarations first: theirs are identical.
    rmSync(work, { recursive: true, force: true });
  }
  return existsSync(complete) ? dir : extensionRoot;
}

type Resolve = NonNullable<ts.LanguageServiceHost['resolveModuleNameLiterals']>;

/**
 * Wraps a host's module resolution so that an unresolved `mlpipe` import resolves to `entry`. Exported
 * for tests, which run it on a plain LanguageServiceHost.
 */
export function redirectMlpipe(tsm: typeof ts, host: ts.LanguageServiceHost, entry: string): void {
  const previous = host.resolveModuleNameLiterals?.bind(host);
  const fallback: Resolve = (literals, containingFile, redirected, options, sourceFile) =>
    literals.map((literal) =>
      tsm.resolveModuleName(literal.text, containingFile, options, tsm.sys, undefined, redirected, tsm.getModeForUsageLocation(sourceFile, literal, options)),
    );
  const resolve: Resolve = previous ?? fallback;
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile, reused) => {
    const results = resolve(literals, containingFile, redirected, options, sourceFile, reused);
    return results.map((result, i) =>
      literals[i]?.text === MODULE_NAME && !result.resolvedModule
        ? { resolvedModule: { resolvedFileName: entry, extension: tsm.Extension.Dts, isExternalLibraryImport: true, resolvedUsingTsExtension: false } }
        : result,
    );
  };
}

/** The plugin factory tsserver calls (index.ts exports it as the module itself). */
export function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsm = modules.typescript;
  return {
    create(info) {
      const log = (line: string): void => info.project.projectService.logger.info(`mlpipe-typescript-plugin: ${line}`);
      const root = findExtensionRoot(realpathSync(__dirname));
      let entry: string | undefined;
      try {
        entry = root ? typesEntry(typesRoot(root)) : undefined;
      } catch (err) {
        log(`could not unpack ${PACKED_TYPES}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!entry || !existsSync(entry)) {
        log(`no type declarations (looked for ${entry ?? 'a package.json named mlpipe above ' + __dirname}); imports of 'mlpipe' stay as they are`);
        return info.languageService;
      }
      redirectMlpipe(tsm, info.languageServiceHost, entry);
      log(`'${MODULE_NAME}' resolves to ${entry} where nothing else provides it`);
      return info.languageService;
    },
  };
}
