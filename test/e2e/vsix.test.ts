// The linux-x64 VSIX as a user gets it (issue 16): built by `npm run package -- --target linux-x64`,
// inspected file by file (size, what is in it, every binary's header), then installed into a fresh
// code-server with `--install-extension <file>` and used: the penguin sample runs to its sign-off, with
// no `node` on PATH, so the runtime starts under the editor's own executable. (code-server's Node stands
// in for Electron here: desktop VS Code adds ELECTRON_RUN_AS_NODE, which this machine cannot exercise.)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ts from 'typescript';
import { redirectMlpipe, typesEntry, typesRoot } from '../../typescript-plugin/src/plugin';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { e2eSkipReason, grepFiles, openSession, repo, type Session } from './codeServer';

const TARGET = 'linux-x64';
/** Issue 16's goal for linux-x64 is under 25 MB and 500 files. DuckDB (21 MB compressed) and onnxruntime (17.5 MB) alone
 * exceed the size goal; the bound catches growth (figures in docs/benchmarks.md). */
const MAX_MB = 55;
const MAX_FILES = 500;

const work = mkdtempSync(join(tmpdir(), 'mlpipe-vsix-'));
let built: { vsix: string; unpacked: string; files: string[] } | undefined;

/** Packages the VSIX once for this file's tests (from the dist/ the test run built) and unpacks it. */
function vsix(): { vsix: string; unpacked: string; files: string[] } {
  if (built) return built;
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'package.mjs'), '--target', TARGET, '--no-build', '--out', work], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const file = join(work, `mlpipe-${TARGET}.vsix`);
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('unzip', ['-q', file, '-d', unpacked]);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(relative(unpacked, p));
    }
  };
  walk(unpacked);
  built = { vsix: file, unpacked, files: files.sort() };
  return built;
}

/** What a binary file is built for, read from its header; undefined for a file that is no binary. */
function binaryKind(file: string): string | undefined {
  const b = readFileSync(file).subarray(0, 512);
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b.readUInt16LE(18);
    return `elf-${machine === 0x3e ? 'x64' : machine === 0xb7 ? 'arm64' : machine}`;
  }
  if (b.length >= 8 && [0xfeedfacf, 0xbebafeca].includes(b.readUInt32LE(0))) return 'mach-o';
  if (b.length >= 64 && b[0] === 0x4d && b[1] === 0x5a) {
    const pe = b.readUInt32LE(60);
    if (pe + 4 <= b.length && b.readUInt32LE(pe) === 0x00004550) return 'pe';
  }
  return undefined;
}

after(() => rmSync(work, { recursive: true, force: true }));

describe(`the ${TARGET} VSIX`, { timeout: 360_000 }, () => {
  it('is small, holds what runs and nothing else, and every binary in it is for linux-x64', () => {
    const { vsix: file, unpacked, files } = vsix();
    const mb = statSync(file).size / 1e6;
    console.log(`# ${TARGET}: ${mb.toFixed(1)} MB, ${files.length} files`);
    assert.ok(mb < MAX_MB, `the VSIX is ${mb.toFixed(1)} MB`);
    assert.ok(files.length < MAX_FILES, `the VSIX has ${files.length} files`);
    assert.match(readFileSync(join(unpacked, 'extension.vsixmanifest'), 'utf8'), new RegExp(`TargetPlatform="${TARGET}"`));

    const ext = files.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    // The product: bundles, schema, authoring types, the TypeScript plugin, the samples, the TF.js wasm files.
    for (const needed of [
      'package.json',
      'dist/extension/extension.js',
      'dist/runtime/cli.js',
      'dist/runtime/dsl.js',
      'dist/pipeline.schema.json',
      'dist/types/runtime/definition/dsl.d.ts',
      'node_modules/mlpipe-typescript-plugin/dist/index.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      'dist/types.json',
      'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
      'node_modules/@esbuild/linux-x64/bin/esbuild',
      'samples/penguin/penguin.pipeline.yaml',
    ]) {
      assert.ok(ext.includes(needed), `${needed} is in the VSIX`);
    }
    // No build intermediates, tests, docs, sources or source maps; declarations only where the plugin reads them.
    const unwanted = ext.filter(
      (f) =>
        /(^|\/)(obj\.target|\.deps|test|tests|__tests__|docs?|deps)\//.test(f) ||
        /test_extension\.node$|\.map$|\.gyp$|\.(c|cc|cpp|h)$/.test(f) ||
        (/\.[cm]?ts$/.test(f) && !f.startsWith('samples/') && !/^dist\/types\/.*\.d\.ts$/.test(f)) ||
        (/^node_modules\/.*\.md$/i.test(f) && !/\/LICEN[CS]E\.md$/i.test(f)),
    );
    assert.deepEqual(unwanted, [], 'nothing that does not run');
    // Every native binary and executable is linux-x64 (ELF, x86-64): none for another platform.
    const binaries = ext.map((f) => ({ f, kind: binaryKind(join(unpacked, 'extension', f)) })).filter((b) => b.kind);
    console.log(`# binaries: ${binaries.map((b) => b.f).join(', ')}`);
    assert.ok(binaries.length >= 3, 'DuckDB, SQLite and esbuild binaries are there');
    assert.deepEqual(binaries.filter((b) => b.kind !== 'elf-x64'), [], 'every binary is ELF x86-64');
    // The packed declarations unpack into a folder where a Trainer module's `tf` is TensorFlow.js, typed.
    const module = join(work, 'authoring', 'trainer_module.ts');
    mkdirSync(join(work, 'authoring'));
    writeFileSync(module, "import type { TrainerFnArgs } from 'mlpipe';\nexport async function run(a: TrainerFnArgs) {\n  const t = a.tf.tensor1d([1, 2]);\n  t.dispoze();\n}\n");
    const entry = typesEntry(typesRoot(join(unpacked, 'extension'), join(work, 'types-cache')));
    assert.ok(entry.startsWith(join(work, 'types-cache')), `the declarations were unpacked (${entry})`);
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] };
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [module],
      getScriptVersion: () => '1',
      getScriptSnapshot: (f) => (existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
      getCurrentDirectory: () => join(work, 'authoring'),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    redirectMlpipe(ts, host, entry);
    const errors = ts.createLanguageService(host).getSemanticDiagnostics(module).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    // Exactly the misspelt method: tensor1d and the Tensor it returns are known, so nothing else is flagged.
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /TS2551 Property 'dispoze' does not exist on type 'Tensor1D'/);
    // Only this target's platform packages and prebuilds.
    assert.deepEqual(ext.filter((f) => /(darwin|win32|arm64|musl)/.test(f) && /^node_modules\//.test(f) && !/\.d\.ts$/.test(f)), []);
  });
});

const skip = e2eSkipReason();
if (skip) console.log(`# e2e tests skipped: ${skip}`);

describe(`the ${TARGET} VSIX installed into code-server, no node on PATH`, { skip, timeout: 420_000 }, () => {
  let session: Session | undefined;
  const noNodeBin = join(work, 'bin-without-node');

  before(async () => {
    const { vsix: file } = vsix();
    // A PATH with every command of /usr/bin but node (and the tools that are node scripts).
    mkdirSync(noNodeBin);
    for (const name of readdirSync('/usr/bin')) {
      if (/^(node|nodejs|npm|npx|corepack)$/.test(name)) continue;
      symlinkSync(join('/usr/bin', name), join(noNodeBin, name));
    }
    assert.notEqual(spawnSync('sh', ['-c', 'command -v node'], { env: { PATH: noNodeBin } }).status, 0, 'no node on the test PATH');
    // VSCODE_CLI: the server takes this environment as it is, instead of asking a login shell for the
    // user's (which would put /usr/bin, and its node, back on PATH).
    session = await openSession({ trusted: true, sample: 'penguin', vsix: file, env: { PATH: noNodeBin, VSCODE_CLI: '1' } });
  });
  after(async () => {
    await session?.close();
  });

  it('installs from the file and runs the penguin pipeline to its sign-off under the editor’s own Node', async () => {
    const s = session!;
    const page = s.page;
    try {
      // Installed as a copy of the VSIX's contents, not the checkout.
      const installed = readdirSync(s.extensionsDir).find((d) => d.startsWith('mlpipe.mlpipe-'));
      assert.ok(installed, `an mlpipe folder in ${readdirSync(s.extensionsDir).join(', ')}`);
      assert.ok(!lstatSync(join(s.extensionsDir, installed)).isSymbolicLink(), 'the extension is a real folder');
      assert.ok(existsSync(join(s.extensionsDir, installed, 'node_modules', '@duckdb', `node-bindings-${TARGET}`, 'duckdb.node')));

      // Opened from the Explorer (Quick Open's file search needs tools this PATH leaves out).
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'penguin.pipeline.yaml' }).first().click({ timeout: 60_000 });
      await page.locator('.tab.active', { hasText: 'penguin.pipeline.yaml' }).waitFor();
      await page.locator('.codelens-decoration a', { hasText: 'Run pipeline' }).first().click({ timeout: 60_000 });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /"approval" of penguin waits for your approval/ });
      await toast.waitFor({ timeout: 240_000 });
      await page.waitForTimeout(500);
      const shot = await s.screenshot('vsix-penguin-signoff');
      console.log(`# screenshot: ${shot}`);

      // The runtime was started with code-server's own executable: there was no node to find.
      const started = grepFiles(s.userDataDir, /starting the runtime: (\S+) \(Node ([\d.]+)\) (\S+)/);
      assert.ok(started.length > 0, 'the log says which Node started the runtime');
      const [, command, version, cli] = started[0]!.match;
      assert.equal(command, process.execPath);
      assert.equal(version, process.versions.node);
      assert.ok(cli!.startsWith(join(s.extensionsDir, installed)), `the runtime is the installed one (${cli})`);
      // Every step before the sign-off ran (DuckDB, TF.js wasm, SQLite from the VSIX) and the approval waits.
      const store = MetadataStore.open(join(s.workspace, '.mlpipe', 'metadata.sqlite'), { readonly: true });
      try {
        const states = store.nodeStates('penguin');
        for (const node of ['example_gen', 'statistics_gen', 'schema_gen', 'transform', 'trainer', 'evaluator']) {
          assert.equal(states[node]?.state, 'COMPLETE', `${node} completed`);
        }
        assert.equal(states['approval']?.waiting, true, 'the sign-off waits for a decision');
      } finally {
        store.close();
      }
    } catch (e) {
      const shot = await s.screenshot('failure-vsix');
      console.log(`# screenshot of the failure: ${shot}`);
      console.log(s.output().slice(-3000));
      throw e;
    }
  });
});
