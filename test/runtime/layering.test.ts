// The architecture, kept by a test. Layers, bottom up: common/ (pure shared knowledge) → runtime/ →
// extension/ → webviews/ (which talk to the host only through webviews/protocol.ts). common/ imports
// nothing outside itself; runtime/ never imports `vscode`; webviews import only their own code, common/,
// the webview protocol and browser packages; the extension host never loads a native module and never
// imports webview code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const repo = resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mts|cts|js|mjs)$/.test(name)) out.push(full);
    }
  };
  walk(join(repo, dir));
  return out;
}

/** Module specifiers of static imports, re-exports, dynamic imports and requires (type-only imports left out). */
function importsOf(file: string, withTypeOnly = true): string[] {
  let text = readFileSync(file, 'utf8');
  if (!withTypeOnly) text = text.replace(/^(?:import|export)\s+type\s[^;]*;/gm, '');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    specs.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return specs;
}

const NATIVE = ['better-sqlite3', '@photostructure/sqlite', '@duckdb/node-api', '@duckdb/node-bindings', '@tensorflow/tfjs-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

describe('layering', () => {
  it('common/ is pure: it imports only common/ (no node:, no vscode, no packages, no DOM)', () => {
    const offenders: string[] = [];
    for (const f of sources('common')) {
      for (const s of importsOf(f)) {
        const inside = s.startsWith('.') && resolve(f, '..', s).startsWith(join(repo, 'common'));
        if (!inside) offenders.push(`${relative(repo, f)} -> ${s}`);
      }
      // Browser or Node globals would tie common/ to one side; it runs in both.
      const text = readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      for (const g of ['document', 'window', 'process', 'Buffer', 'require', '__dirname']) {
        if (new RegExp(`\\b${g}\\b`).test(text)) offenders.push(`${relative(repo, f)} uses ${g}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the extension host imports no webview code (only the types of webviews/protocol.ts)', () => {
    const offenders: string[] = [];
    for (const f of sources('extension')) {
      for (const s of importsOf(f)) {
        if (!s.startsWith('.')) continue;
        const target = resolve(f, '..', s);
        if (target.startsWith(join(repo, 'webviews')) && target !== join(repo, 'webviews', 'protocol')) offenders.push(`${relative(repo, f)} -> ${s}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the extension host reaches into runtime/ only through the protocol (and the error classes and workspace paths)', () => {
    const allowed = ['server/protocol', 'errors', 'workspace'].map((m) => join(repo, 'runtime', m));
    const offenders: string[] = [];
    for (const f of sources('extension')) {
      for (const s of importsOf(f)) {
        if (!s.startsWith('.')) continue;
        const target = resolve(f, '..', s);
        if (target.startsWith(join(repo, 'runtime')) && !allowed.includes(target)) offenders.push(`${relative(repo, f)} -> ${s}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('views reach the runtime only through webviews/protocol.ts', () => {
    const offenders: string[] = [];
    for (const f of sources('webviews')) {
      if (f === join(repo, 'webviews', 'protocol.ts')) continue;
      for (const s of importsOf(f)) if (s.startsWith('.') && resolve(f, '..', s).startsWith(join(repo, 'runtime'))) offenders.push(`${relative(repo, f)} -> ${s}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('durations, step-state wording and distribution distances are defined once, in common/', () => {
    const copies: string[] = [];
    for (const dir of ['runtime', 'extension', 'webviews']) {
      for (const f of sources(dir)) {
        const text = readFileSync(f, 'utf8');
        for (const name of ['formatDuration', 'stepStateOf', 'jensenShannon', 'lInfinity', 'rebucket', 'isBlessedValue']) {
          if (new RegExp(`(function|const)\\s+${name}\\b`).test(text)) copies.push(`${relative(repo, f)} defines ${name}`);
        }
        if (/'__approval_state__'/.test(text)) copies.push(`${relative(repo, f)} spells '__approval_state__'`);
      }
    }
    assert.deepEqual(copies, []);
  });

  it('runtime/ never imports vscode', () => {
    const offenders = sources('runtime').filter((f) => importsOf(f).some((s) => s === 'vscode'));
    assert.deepEqual(offenders.map((f) => relative(repo, f)), []);
  });

  it('runtime/ imports only downward: a rank per layer, and no module imports from a higher one', () => {
    const offenders: string[] = [];
    for (const f of [...sources('runtime'), ...sources('common')]) {
      const from = runtimeRank(f);
      for (const s of importsOf(f)) {
        if (!s.startsWith('.')) continue;
        const to = runtimeRank(resolveModule(f, s));
        if (from !== undefined && to !== undefined && to > from) offenders.push(`${relative(repo, f)} (${from}) -> ${s} (${to})`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('webviews import only webviews/ and common/ code and browser packages (type-only imports of the runtime data contracts excepted)', () => {
    const allowedPackages = ['elkjs', '@vscode-elements/elements', 'markdown-it', 'vega', 'vega-lite', 'vega-interpreter'];
    const offenders: string[] = [];
    for (const f of sources('webviews')) {
      for (const s of importsOf(f, false)) {
        if (s.startsWith('.')) {
          const target = resolve(f, '..', s);
          if (!target.startsWith(join(repo, 'webviews')) && !target.startsWith(join(repo, 'common'))) offenders.push(`${relative(repo, f)} -> ${s}`);
        } else if (!allowedPackages.some((p) => s === p || s.startsWith(`${p}/`))) {
          offenders.push(`${relative(repo, f)} -> ${s}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the extension host never imports a native module', () => {
    const offenders: string[] = [];
    for (const f of sources('extension')) {
      for (const s of importsOf(f)) if (NATIVE.some((n) => s === n || s.startsWith(`${n}/`))) offenders.push(`${relative(repo, f)} -> ${s}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('the TypeScript server plugin imports only its own code and Node built-ins (TypeScript comes from tsserver, as types)', () => {
    const offenders: string[] = [];
    for (const f of sources('typescript-plugin/src')) {
      for (const s of importsOf(f, false)) if (!s.startsWith('./') && !s.startsWith('node:')) offenders.push(`${relative(repo, f)} -> ${s}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('the built extension bundle requires only vscode and Node built-ins', (t) => {
    let bundle: string;
    try {
      bundle = readFileSync(join(repo, 'dist', 'extension', 'extension.js'), 'utf8');
    } catch {
      t.skip('dist/extension/extension.js is not built (npm test builds it first)');
      return;
    }
    const required = new Set([...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!));
    const foreign = [...required].filter((s) => s !== 'vscode' && !s.startsWith('node:') && !isBuiltin(s));
    assert.deepEqual(foreign, []);
  });
});

/**
 * The runtime's layers, bottom up (after TFX: tfx/types and component_spec.py at the bottom, components
 * over the libraries, orchestration over components). A module may import its own rank or lower ones.
 * common/, errors and the component contract (components/spec.ts) are the bottom: everything reads them.
 */
const RUNTIME_RANKS: ReadonlyArray<[prefix: string, rank: number]> = [
  ['common/', 0],
  ['runtime/errors', 0],
  ['runtime/workspace', 0],
  ['runtime/components/spec', 0],
  ['runtime/metadata/', 1],
  ['runtime/data/', 1],
  ['runtime/model/', 2],
  ['runtime/definition/', 2],
  ['runtime/components/', 3],
  ['runtime/orchestrator/', 4],
  ['runtime/export/', 5],
  ['runtime/server/', 5],
  ['runtime/cli/', 6],
];

/** The rank of a module (a path, with or without its extension); undefined outside the ranked folders. */
function runtimeRank(path: string): number | undefined {
  const rel = relative(repo, path).split(sep).join('/');
  return RUNTIME_RANKS.find(([prefix]) => rel.startsWith(prefix) && (prefix.endsWith('/') || /^(\.[cm]?[jt]s)?$/.test(rel.slice(prefix.length))))?.[1];
}

function resolveModule(from: string, specifier: string): string {
  return resolve(from, '..', specifier);
}

function isBuiltin(name: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:module') as typeof import('node:module')).builtinModules.includes(name);
}
