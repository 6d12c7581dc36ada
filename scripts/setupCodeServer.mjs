// Installs code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) into a cache folder
// outside the checkout, offline-friendly: only the npm registry is used, install scripts are skipped
// (they refuse root and download ripgrep from GitHub) and the native steps are done by hand.
// Recipe: docs/testing-in-vscode.md, plus building @vscode/spdlog and native-watchdog (without spdlog
// the Output panel stays empty). Idempotent: a finished install is reused.
//
// Usage: node scripts/setupCodeServer.mjs        (prints the install folder)
//   import { ensureCodeServer, codeServerEntry } from './setupCodeServer.mjs'
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, rmSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerDir() {
  return process.env.MLPIPE_CODE_SERVER_DIR || join(homedir(), '.cache', 'mlpipe', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Marker written last, so a half-finished install is never mistaken for a complete one. */
function doneMarker(dir) {
  return join(dir, '.mlpipe-install-complete');
}

function vscodeDir(dir) {
  return join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
}

/**
 * Native modules of VS Code's server that the recipe's `--ignore-scripts` install leaves unbuilt.
 * spdlog matters most: without it no log file is written, so every Output channel stays empty.
 */
const NATIVE_MODULES = ['kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog'];
const SPDLOG_BINARY = ['node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'];

export function codeServerInstalled(dir = codeServerDir()) {
  return existsSync(doneMarker(dir)) && existsSync(codeServerEntry(dir)) && existsSync(join(vscodeDir(dir), ...SPDLOG_BINARY));
}

function run(cmd, args, cwd, log) {
  log(`$ (${cwd}) ${cmd} ${args.join(' ')}`);
  // No shell: arguments go to the program as they are.
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (r.error) throw new Error(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
}

function which(name) {
  for (const dir of (process.env.PATH || '').split(':')) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Debian packages code-server's install needs: ripgrep, and headers to build its native modules. */
export const DEBIAN_PACKAGES = ['ripgrep', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config'];

/** Installs missing Debian packages when we may (root with apt-get), else says exactly what to run. */
export function ensureDebianPackages(packages = DEBIAN_PACKAGES, { log = (m) => console.error(m) } = {}) {
  if (!which('dpkg')) return;
  const missing = packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !which('apt-get')) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them first: sudo sh -c '${command}'`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed; run it by hand: ${command}`);
  }
}

/** Installs code-server when missing; returns its folder. */
export function ensureCodeServer({ log = (m) => console.error(m) } = {}) {
  const dir = codeServerDir();
  if (codeServerInstalled(dir)) return dir;
  ensureDebianPackages(DEBIAN_PACKAGES, { log });
  if (existsSync(doneMarker(dir)) && existsSync(codeServerEntry(dir))) {
    // An install from before spdlog was part of the recipe: build the missing modules only.
    run(which('npm') ?? 'npm', ['rebuild', ...NATIVE_MODULES], vscodeDir(dir), log);
    return dir;
  }
  const rg = which('rg');
  if (!rg) {
    throw new Error(
      'ripgrep is missing: run `apt-get update && apt-get install -y chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config` first',
    );
  }
  const npm = which('npm');
  if (!npm) throw new Error('npm is not on PATH');
  mkdirSync(dir, { recursive: true });
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes the first time)`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mlpipe-code-server', private: true }, null, 2));
  run(npm, ['install', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], dir, log);
  run(npm, ['rebuild', 'argon2'], dir, log);
  const vscode = vscodeDir(dir);
  run(npm, ['install', '--omit=dev', '--ignore-scripts'], vscode, log);
  run(npm, ['rebuild', ...NATIVE_MODULES], vscode, log);
  const rgDir = join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync(rg, join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  const asar = join(vscode, 'node_modules.asar');
  rmSync(asar, { force: true });
  symlinkSync('node_modules', asar);
  run(npm, ['install', '--omit=dev'], join(vscode, 'extensions'), log);
  writeFileSync(doneMarker(dir), new Date().toISOString());
  log('code-server installed');
  return dir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(ensureCodeServer());
  } catch (e) {
    console.error(`setupCodeServer: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
