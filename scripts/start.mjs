// `npm start`: installs the npm dependencies when missing, builds the extension, installs the test VS Code (code-server 4.100.3) if needed, starts
// it on 127.0.0.1 with the samples/ workspace and this checkout as an installed extension, and prints
// the URL to open. Ctrl+C stops it.
//   PORT=8080 npm start      (default: a free port from 8080 up)
//   node scripts/start.mjs <folder>   (open another workspace folder)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { codeServerEntry, ensureCodeServer } from './setupCodeServer.mjs';

const root = new URL('..', import.meta.url).pathname;
const folder = resolve(process.argv[2] ?? join(root, 'samples'));
if (!existsSync(folder)) {
  console.error(`start: ${folder} does not exist`);
  process.exit(1);
}

// A fresh checkout: install the npm dependencies first (npm ci keeps package-lock.json as it is).
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('installing the npm dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const installed = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (installed.status !== 0) {
    console.error('start: npm ci failed (see above)');
    process.exit(1);
  }
}

const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('start: the build failed (see above)');
  process.exit(1);
}

let dir;
try {
  dir = ensureCodeServer({ log: (m) => console.error(m) });
} catch (e) {
  console.error(`start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

function portFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}
async function pickPort() {
  if (process.env.PORT) return Number(process.env.PORT);
  for (let p = 8080; p < 8180; p++) if (await portFree(p)) return p;
  return 0;
}

const state = join(homedir(), '.cache', 'mlpipe', 'start');
const userDataDir = join(state, 'user');
const extensionsDir = join(state, 'extensions');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const link = join(extensionsDir, `mlpipe.mlpipe-${version}`);
// The checkout is the extension (package.json, dist/, node_modules for the runtime).
try {
  lstatSync(link);
  rmSync(link, { force: true });
} catch {
  // Not there yet.
}
symlinkSync(root, link, 'dir');
const settings = join(userDataDir, 'User', 'settings.json');
if (!existsSync(settings)) {
  writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2));
}

const port = await pickPort();
const args = [
  codeServerEntry(dir),
  '--auth', 'none',
  '--bind-addr', `127.0.0.1:${port}`,
  '--user-data-dir', userDataDir,
  '--extensions-dir', extensionsDir,
  '--disable-telemetry',
  '--disable-update-check',
  // The samples are ours: skip the trust prompt. Open your own folders with trust on (drop this flag).
  '--disable-workspace-trust',
  folder,
];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], shell: false });
let announced = false;
child.stdout.setEncoding('utf8');
child.stdout.on('data', (s) => {
  if (process.env.MLPIPE_VERBOSE) process.stdout.write(s);
  const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(s);
  if (m && !announced) {
    announced = true;
    console.log(`\nML Pipelines is ready in VS Code (code-server). Open:\n\n  http://127.0.0.1:${m[1]}/?folder=${encodeURIComponent(folder)}\n\nCtrl+C stops it.`);
  }
});
const stop = () => {
  if (child.exitCode === null) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
