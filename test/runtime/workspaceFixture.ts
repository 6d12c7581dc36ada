// Temporary workspaces for runtime tests: a folder with `.mlpipe/`, pipeline files written from text,
// and the built CLI for tests that need a real process (signals, kill -9, concurrency).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const cliPath = join(repoRoot, 'dist', 'runtime', 'cli.js');

export interface TempWorkspace {
  root: string;
  db: string;
  write(relPath: string, text: string): string;
  dispose(): void;
}

export function tempWorkspace(prefix = 'mlpipe-test-'): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(root, '.mlpipe'), { recursive: true });
  return {
    root,
    db: join(root, '.mlpipe', 'metadata.sqlite'),
    write(relPath, text) {
      const full = join(root, relPath);
      mkdirSync(resolve(full, '..'), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Builds dist/ once per test process when it is missing (npm test builds before running). */
export function ensureBuilt(): void {
  if (existsSync(cliPath)) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawnCli(args, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], cwd: string): ChildProcess {
  ensureBuilt();
  return spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
}

/** A `node -e` command as a YAML flow list, so Command steps in tests need nothing but Node. */
export function nodeCommand(script: string, ...args: string[]): string {
  return JSON.stringify([process.execPath, '-e', script, ...args]);
}
