// One VSIX per platform (issue 16), the way extensions that ship native code publish: `vsce package
// --target <t>` on a staging folder that holds only what the installed extension reads at run time.
//
//   npm run package -- --target linux-x64 [--target darwin-arm64 …] [--all] [--no-build] [--out DIR]
//
// What goes in (everything else stays out, so there is no ignore list to keep in step with node_modules):
//  - package.json (without scripts and dev dependencies), README.md, dist/ without source maps (the
//    runtime, the extension and the webviews, bundled by esbuild), extension/media/, samples/;
//  - node_modules: the packages the bundles leave external (every bare `require("…")` in dist/ that is not
//    bundled, i.e. not among the bundles' source-map sources), plus the TypeScript plugin. Of each, only
//    the JavaScript files Node reaches from its entry point (esbuild's metafile), its package.json and
//    licence, its .wasm files and the native binaries of the target;
//  - dist/types.json: the declarations the TypeScript plugin's types reach (the TypeScript program of
//    dist/types: TensorFlow.js's ~600 .d.ts files) packed as one file, unpacked by the plugin on first use;
//  - native binaries, by how a package ships them: a platform package (package.json `os`/`cpu`, as
//    DuckDB's `@duckdb/node-bindings-<platform>` and `@esbuild/<platform>`; the target's is fetched with
//    `npm pack` into ~/.cache/mlpipe/platform-packages when this machine has another's), a
//    `prebuilds/<platform>-<arch>/` folder (node-gyp-build), onnxruntime-node's `bin/napi-v*/<os>/<arch>/`,
//    or a `build/Release/*.node` compiled by `npm install` on this machine, which exists for this
//    machine's platform only: for any other target the script says so and writes no VSIX.
// ELF binaries are stripped of their symbol tables when a strip tool for them is on PATH (DuckDB's
// libduckdb.so: 70 MB -> 60 MB); Mach-O and PE files are left as published (stripping would break their
// signatures).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(import.meta.url);

/** The targets VS Code knows that we publish, with the `process.platform`/`process.arch` they stand for. */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64' },
  'linux-arm64': { os: 'linux', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'win32-x64': { os: 'win32', cpu: 'x64' },
};
const hostTarget = `${process.platform}-${process.arch}`;
/**
 * Native packages the runtime loads only when one feature is used (a lazy require with its own error):
 * a target their publisher has no binary for still ships, without that feature. onnxruntime-node 1.30
 * publishes no darwin-x64 build.
 */
const OPTIONAL_NATIVE = { 'onnxruntime-node': 'ONNX models (Trainer/Evaluator model.onnx)' };
const NATIVE = /\.(node|so(\.\d+)*|dylib|dll|exe)$/;
const LICENCE = /^(licen[cs]e|notice|copying)(\.|$)/i;

function parseArgs(argv) {
  const args = { targets: [], build: true, out: root };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target') args.targets.push(argv[++i]);
    else if (a.startsWith('--target=')) args.targets.push(a.slice('--target='.length));
    else if (a === '--all') args.targets.push(...Object.keys(TARGETS));
    else if (a === '--no-build') args.build = false;
    else if (a === '--out') args.out = argv[++i];
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (args.targets.length === 0) args.targets.push(hostTarget);
  for (const t of args.targets) {
    if (!(t in TARGETS)) throw new UsageError(`unknown target ${t}: one of ${Object.keys(TARGETS).join(', ')}`);
  }
  args.targets = [...new Set(args.targets)];
  return args;
}

class UsageError extends Error {}
/** A target whose native binaries this machine cannot provide. */
class UnavailableTarget extends Error {}

// ---- packages and their files -------------------------------------------------------------------

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The folder of package `name` as Node resolves it from `fromDir` (nearest node_modules upwards). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The package that holds `file` (a path under node_modules), as [name, dir]. */
function owningPackage(file) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(file);
  return m ? { name: m[2], dir: m[1] } : undefined;
}

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** The packages the built bundles load at run time: bare requires in dist/ that the bundles did not inline. */
function externalPackages() {
  const bundles = ['dist/runtime', 'dist/extension'].flatMap((d) => walk(join(root, d))).filter((f) => f.endsWith('.js'));
  const bundled = new Set();
  const required = new Set();
  for (const file of bundles) {
    const map = `${file}.map`;
    if (existsSync(map)) for (const s of readJson(map).sources) if (s.includes('node_modules/')) bundled.add(owningPackage(s.replace(/^(\.\.\/)+/, '/'))?.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/require(?:\.resolve)?\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
      const name = packageNameOf(m[1]);
      if (name.startsWith('node:') || builtinModules.includes(name) || name === 'vscode') continue;
      required.add(name);
    }
  }
  return [...required].filter((n) => !bundled.has(n)).sort();
}

/** JavaScript files (and the JSON they require) Node reaches from each root's entry point. */
async function reachableFiles(roots) {
  const { build } = await import('esbuild');
  const files = new Set();
  for (const name of roots) {
    const result = await build({
      stdin: { contents: `require(${JSON.stringify(name)});`, resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // A `require(\`…/${process.platform}/…\`)` of a binding matches every platform's .node: they are inputs
      // here, and the target's are chosen apart (nativeFilesFor).
      loader: { '.node': 'empty' },
      plugins: [
        {
          // Native binaries (DuckDB requires each platform's by name) are chosen per target below.
          name: 'natives-apart',
          setup(b) {
            b.onResolve({ filter: /\.node$/ }, (a) => ({ path: a.path, external: true }));
          },
        },
      ],
    });
    for (const input of Object.keys(result.metafile.inputs)) if (input.includes('node_modules/')) files.add(join(root, input));
  }
  return files;
}

/** The declaration files the TypeScript plugin's types (dist/types) reach in node_modules. */
function declarationFiles() {
  const ts = require('typescript');
  const entry = join(root, 'dist', 'types', 'runtime', 'definition', 'dsl.d.ts');
  const program = ts.createProgram([entry], {
    noEmit: true,
    types: [],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
  });
  return program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => f.startsWith(join(root, 'node_modules') + sep) && !f.startsWith(join(root, 'node_modules', 'typescript') + sep));
}

// ---- native binaries per target -----------------------------------------------------------------

const platformCache = join(process.env.MLPIPE_PLATFORM_PACKAGES || join(homedir(), '.cache', 'mlpipe', 'platform-packages'));

/** A platform package's folder: installed here, or fetched once from the registry with `npm pack`. */
function platformPackage(name, version, fromDir) {
  const installed = packageDir(name, fromDir);
  if (installed && readJson(join(installed, 'package.json')).version === version) return installed;
  const dir = join(platformCache, `${name.replace('/', '+')}@${version}`);
  if (existsSync(join(dir, 'package.json'))) return dir;
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  console.log(`  fetching ${name}@${version} from the npm registry`);
  const tgz = execFileSync('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work]);
  rmSync(join(work, tgz));
  mkdirSync(dirname(dir), { recursive: true });
  try {
    renameSync(join(work, 'package'), dir);
  } catch (err) {
    if (!existsSync(join(dir, 'package.json'))) throw err; // another packaging run won the race
  }
  rmSync(work, { recursive: true, force: true });
  return dir;
}

/** Whether an `os`/`cpu` list (npm's format, `!x` excludes) admits a value. */
function admits(list, value) {
  if (!Array.isArray(list) || list.length === 0) return true;
  const excluded = list.filter((x) => x.startsWith('!')).map((x) => x.slice(1));
  const included = list.filter((x) => !x.startsWith('!'));
  return !excluded.includes(value) && (included.length === 0 || included.includes(value));
}

/**
 * The platform packages of `pkg` for `target`: its optional dependencies whose name ends in the
 * target's `<os>-<cpu>` (DuckDB's and esbuild's naming; the -musl variants are Alpine's, another target).
 */
function platformDependencies(pkg, dir, target) {
  const { os, cpu } = TARGETS[target];
  const out = [];
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (!name.endsWith(`-${os}-${cpu}`) && !name.endsWith(`/${os}-${cpu}`)) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.-]+)?$/.test(version)) throw new Error(`${pkg.name}'s platform package ${name} has the range ${version}; an exact version is needed`);
    out.push(platformPackage(name, version, dir));
  }
  return out;
}

/**
 * Drops byte-identical copies of one library under several names (the macOS build of onnxruntime-node has
 * libonnxruntime.1.dylib, which its binding links to, and the same 44 MB as libonnxruntime.1.30.0.dylib,
 * a symbolic link upstream): the shortest name stays.
 */
function withoutDuplicates(files) {
  const byContent = new Map();
  for (const f of [...files].sort((a, b) => basename(a).length - basename(b).length)) {
    const key = `${dirname(f)}:${statSync(f).size}:${createHash('sha256').update(readFileSync(f)).digest('hex')}`;
    if (!byContent.has(key)) byContent.set(key, f);
  }
  return [...byContent.values()];
}

/** Which of a package's native files belong to the target; throws when it has none for it. */
function nativeFilesFor(pkgName, dir, files, target) {
  const { os, cpu } = TARGETS[target];
  const natives = files.filter((f) => NATIVE.test(f));
  if (natives.length === 0) return [];
  const rel = (f) => relative(dir, f).split(sep).join('/');
  // node-gyp-build: prebuilds/<os>-<cpu>/*.node (glibc builds on Linux: VS Code's linux targets are glibc).
  const prebuilt = natives.filter((f) => rel(f).startsWith('prebuilds/'));
  if (prebuilt.length) {
    const mine = prebuilt.filter((f) => rel(f).startsWith(`prebuilds/${os}-${cpu}/`) && !/\.musl\.node$/.test(f));
    if (mine.length === 0) throw new UnavailableTarget(`${pkgName} has no prebuilt binary for ${target}`);
    return mine;
  }
  // onnxruntime-node: bin/napi-v<N>/<os>/<cpu>/ holds the binding and the libonnxruntime it links to.
  const napiBin = natives.filter((f) => /^bin\/napi-v\d+\//.test(rel(f)));
  if (napiBin.length) {
    const mine = napiBin.filter((f) => new RegExp(`^bin/napi-v\\d+/${os}/${cpu}/`).test(rel(f)));
    if (mine.length === 0) throw new UnavailableTarget(`${pkgName} has no binary for ${target} in bin/napi-v*/`);
    return withoutDuplicates(mine);
  }
  // Compiled by `npm install` here (node-gyp): the build's own output, for this machine only.
  const compiled = natives.filter((f) => rel(f).startsWith('build/Release/'));
  if (compiled.length) {
    if (target !== hostTarget) {
      throw new UnavailableTarget(`${pkgName} is compiled at install time (build/Release/); a ${target} binary needs an npm ci on ${target} (see the README's CI matrix)`);
    }
    // Only the module itself: not obj.target/ and .deps/ (intermediates), not test_extension.node.
    return compiled.filter((f) => /^build\/Release\/[^/]+\.node$/.test(rel(f)) && !/test_extension\.node$/.test(f));
  }
  // A platform package (os/cpu in package.json) has been chosen for the target already: all its natives.
  return natives;
}

// ---- binary headers -----------------------------------------------------------------------------

/** The platform and architecture a native file is built for, from its ELF, Mach-O or PE header. */
export function binaryTarget(file) {
  const b = readFileSync(file, { flag: 'r' }).subarray(0, 4096);
  if (b.length >= 20 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) {
    const machine = b.readUInt16LE(18);
    return { os: 'linux', cpu: machine === 0x3e ? 'x64' : machine === 0xb7 ? 'arm64' : `elf-machine-${machine}` };
  }
  const magic = b.length >= 8 ? b.readUInt32LE(0) : 0;
  if (magic === 0xfeedfacf) {
    const cputype = b.readUInt32LE(4);
    return { os: 'darwin', cpu: cputype === 0x01000007 ? 'x64' : cputype === 0x0100000c ? 'arm64' : `macho-cpu-${cputype}` };
  }
  if (magic === 0xbebafeca) return { os: 'darwin', cpu: 'universal' };
  if (b[0] === 0x4d && b[1] === 0x5a && b.length >= 64) {
    const pe = b.readUInt32LE(60);
    if (pe + 6 <= b.length && b.readUInt32LE(pe) === 0x00004550) {
      const machine = b.readUInt16LE(pe + 4);
      return { os: 'win32', cpu: machine === 0x8664 ? 'x64' : machine === 0xaa64 ? 'arm64' : `pe-machine-${machine}` };
    }
  }
  return undefined;
}

function stripTool(target) {
  if (TARGETS[target].os !== 'linux' || process.env.MLPIPE_NO_STRIP) return undefined;
  const candidates = TARGETS[target].cpu === 'arm64' ? ['aarch64-linux-gnu-strip', 'llvm-strip'] : ['x86_64-linux-gnu-strip', 'strip', 'llvm-strip'];
  for (const c of candidates) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  return undefined;
}

/**
 * dist/types.json: the authoring types (dist/types) and the declarations they reach in node_modules
 * (TensorFlow.js's, ~600 files) with those packages' package.json, as one file that the TypeScript plugin
 * unpacks on first use (typescript-plugin/src/plugin.ts, typesRoot). dist/types stays as files too.
 */
function packDeclarations(stage, declarations) {
  const files = {};
  const add = (abs) => (files[relative(root, abs).split(sep).join('/')] = readFileSync(abs, 'utf8'));
  for (const f of walk(join(root, 'dist', 'types'))) if (f.endsWith('.d.ts')) add(f);
  const packages = new Set();
  for (const f of declarations) {
    add(f);
    const owner = owningPackage(f);
    if (owner) packages.add(owner.dir);
  }
  for (const dir of packages) add(join(dir, 'package.json'));
  writeFileSync(join(stage, 'dist', 'types.json'), JSON.stringify({ files }));
}

// ---- staging and packaging ----------------------------------------------------------------------

function copyInto(stage, from, to = relative(root, from)) {
  const dest = join(stage, to);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(from, dest);
  chmodSync(dest, statSync(from).mode & 0o777);
  return dest;
}

/** Everything the target's VSIX holds, staged in `stage`. Returns the native files staged. */
function stageTarget(target, stage, analysis) {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const manifest = readJson(join(root, 'package.json'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  delete manifest.optionalDependencies;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The stage holds only what ships, so nothing in it is to be ignored (vsce warns when the file is absent).
  writeFileSync(join(stage, '.vscodeignore'), '# Staged by scripts/package.mjs: everything here ships.\n');
  for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md']) if (existsSync(join(root, f))) copyInto(stage, join(root, f));
  for (const d of ['dist', 'extension/media', 'samples']) {
    for (const f of walk(join(root, d))) {
      if (f.endsWith('.map') || f.includes(`${sep}.mlpipe${sep}`)) continue;
      copyInto(stage, f);
    }
  }

  packDeclarations(stage, analysis.declarations);

  // The packages, each with the files chosen for it.
  const chosen = new Map(); // package dir (source) -> { name, files: Set, stagedDir }
  const add = (name, dir, stagedDir) => {
    if (!chosen.has(dir)) chosen.set(dir, { name, files: new Set(), stagedDir });
    return chosen.get(dir);
  };
  const stagedDirOf = (dir) => relative(root, dir);
  for (const f of analysis.reachable) {
    const owner = owningPackage(f);
    if (owner) add(owner.name, owner.dir, stagedDirOf(owner.dir)).files.add(f);
  }
  for (const name of analysis.extraPackages) {
    const dir = packageDir(name, root);
    const entry = add(name, dir, stagedDirOf(dir));
    for (const f of walk(dir)) entry.files.add(f);
  }
  const natives = [];
  const missing = [];
  const warnings = [];
  for (const [dir, entry] of [...chosen]) {
    const pkg = readJson(join(dir, 'package.json'));
    const all = walk(dir);
    entry.files.add(join(dir, 'package.json'));
    for (const f of all) {
      const b = basename(f);
      if (LICENCE.test(b) || f.endsWith('.wasm')) entry.files.add(f);
    }
    for (const f of [...entry.files]) if (NATIVE.test(f)) entry.files.delete(f);
    try {
      for (const f of nativeFilesFor(entry.name, dir, all, target)) entry.files.add(f);
      for (const platformDir of platformDependencies(pkg, dir, target)) {
        const ppkg = readJson(join(platformDir, 'package.json'));
        if (!admits(ppkg.os, TARGETS[target].os) || !admits(ppkg.cpu, TARGETS[target].cpu)) throw new Error(`${ppkg.name} is for ${ppkg.os}/${ppkg.cpu}, not ${target}`);
        const p = add(ppkg.name, platformDir, join('node_modules', ppkg.name));
        for (const f of walk(platformDir)) if (!/\.md$/i.test(f)) p.files.add(f);
      }
    } catch (err) {
      if (!(err instanceof UnavailableTarget)) throw err;
      if (OPTIONAL_NATIVE[entry.name]) {
        // Loaded only on first use by one feature: the target ships without it, and says so.
        warnings.push(`${err.message}: ${OPTIONAL_NATIVE[entry.name]} will not work on ${target}`);
        chosen.delete(dir);
      } else missing.push(err.message);
    }
  }
  if (missing.length) throw new UnavailableTarget(missing.join('; '));

  const strip = stripTool(target);
  for (const [dir, entry] of chosen) {
    for (const f of entry.files) {
      const rel = relative(dir, f);
      // esbuild's install step copies this machine's binary over bin/esbuild; the platform package has the target's.
      if (entry.name === 'esbuild' && rel.startsWith(`bin${sep}`)) continue;
      // A platform package installed here is staged only when it is the target's (chosen above).
      const pkgJson = readJson(join(dir, 'package.json'));
      if ((pkgJson.os || pkgJson.cpu) && !(admits(pkgJson.os, TARGETS[target].os) && admits(pkgJson.cpu, TARGETS[target].cpu))) continue;
      if (f.endsWith('.map')) continue;
      const dest = copyInto(stage, f, join(entry.stagedDir, rel));
      if (NATIVE.test(f)) {
        natives.push(dest);
        if (strip && binaryTarget(dest)?.os === 'linux' && /\.(node|so(\.\d+)*)$/.test(dest)) {
          spawnSync(strip, ['--strip-unneeded', dest], { stdio: 'inherit' });
        }
      }
    }
  }
  for (const w of warnings) console.log(`${target}: WARNING ${w}`);
  return natives;
}

/** Every package folder under the stage's node_modules (scoped ones included, nested ones too). */
function stagedPackageDirs(stage) {
  const out = [];
  const visit = (modules) => {
    if (!existsSync(modules)) return;
    for (const name of readdirSync(modules)) {
      const dir = join(modules, name);
      if (name.startsWith('@')) {
        visit(dir);
        continue;
      }
      if (existsSync(join(dir, 'package.json'))) out.push(dir);
      visit(join(dir, 'node_modules'));
    }
  };
  visit(join(stage, 'node_modules'));
  return out;
}

function vsce(stage, target, outFile) {
  const bin = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const packages = join(dirname(stage), `${target}.packages.json`);
  writeFileSync(packages, JSON.stringify(stagedPackageDirs(stage)));
  const preload = join(root, 'scripts', 'vsceStagedDependencies.cjs');
  const r = spawnSync(process.execPath, ['--require', preload, bin, 'package', '--target', target, '--allow-missing-repository', '--skip-license', '-o', outFile], {
    cwd: stage,
    env: { ...process.env, MLPIPE_STAGED_PACKAGES: packages },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`vsce package --target ${target} failed`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.build) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const roots = externalPackages().filter((n) => packageDir(n, root));
  const optional = externalPackages().filter((n) => !packageDir(n, root));
  const analysis = {
    reachable: await reachableFiles(roots),
    declarations: declarationFiles(),
    // tsserver loads the plugin by name from the extension's node_modules (contributes.typescriptServerPlugins).
    extraPackages: (readJson(join(root, 'package.json')).contributes?.typescriptServerPlugins ?? []).map((p) => p.name),
  };
  console.log(`runtime packages: ${roots.join(', ')}${optional.length ? ` (not installed, so not shipped: ${optional.join(', ')})` : ''}`);
  mkdirSync(args.out, { recursive: true });
  const results = [];
  for (const target of args.targets) {
    const stage = join(root, '.cache', 'package', target);
    const outFile = join(args.out, `mlpipe-${target}.vsix`);
    try {
      console.log(`${target}: staging`);
      const natives = stageTarget(target, stage, analysis);
      // Every binary in the stage (natives and executables such as esbuild's) must be the target's.
      for (const f of walk(stage)) {
        const bt = binaryTarget(f);
        if (bt && `${bt.os}-${bt.cpu}` !== target && !(bt.os === TARGETS[target].os && bt.cpu === 'universal')) {
          throw new Error(`${relative(stage, f)} is built for ${bt.os}-${bt.cpu}, not ${target}`);
        }
      }
      console.log(`${target}: ${natives.length} native files: ${natives.map((n) => relative(stage, n)).join(', ')}`);
      rmSync(outFile, { force: true });
      vsce(stage, target, outFile);
      const files = walk(stage).length;
      results.push({ target, ok: true, file: outFile, bytes: statSync(outFile).size, files });
    } catch (err) {
      if (!(err instanceof UnavailableTarget)) throw err;
      results.push({ target, ok: false, reason: err.message });
    }
  }
  console.log('');
  for (const r of results) {
    console.log(r.ok ? `${r.target}: ${relative(process.cwd(), r.file) || r.file}  ${(r.bytes / 1e6).toFixed(1)} MB, ${r.files} files` : `${r.target}: not packaged here: ${r.reason}`);
  }
  if (results.some((r) => !r.ok)) process.exit(2);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof UsageError ? `npm run package: ${err.message}` : err);
    process.exit(1);
  });
}
