// Issue 10 group 4: runs made elsewhere (the CLI, another window) show in VS Code within 1 s. The part
// the runtime owns is how long after a commit by another connection the server's watcher notifies the
// extension (runtime/server/dbWatcher.ts): measured with fs.watch plus the poll, and with the poll alone
// (what a network drive gets), over 30 commits each. The reference is the poll interval itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataStore } from '../../runtime/metadata/store';
import { DbWatcher } from '../../runtime/server/dbWatcher';
import type { BenchResult } from './result';

export const title = 'VS Code follows the database (issue 10, group 4)';

const POLL_MS = 400;

async function latencies(fsWatch: boolean, n: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-follow-'));
  const db = join(dir, 'metadata.sqlite');
  const writer = MetadataStore.open(db);
  let resolveSeen: (() => void) | undefined;
  const watcher = new DbWatcher(() => resolveSeen?.(), { fsWatch, pollMs: POLL_MS, coalesceMs: 0 });
  // The watcher keeps no process alive by itself (the server's connection does): hold it open here.
  const alive = setInterval(() => undefined, 1000);
  try {
    watcher.add(db);
    await new Promise((r) => setTimeout(r, 100));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const seen = new Promise<void>((r) => (resolveSeen = r));
      const start = performance.now();
      writer.beginRun('follow', `run-${i}`);
      await seen;
      out.push(performance.now() - start);
      // Commits spread over time, as runs' are (and so the poll's phase varies).
      await new Promise((r) => setTimeout(r, 37 + ((i * 53) % 300)));
    }
    return out;
  } finally {
    clearInterval(alive);
    watcher.dispose();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

export async function bench(): Promise<BenchResult[]> {
  const watched = await latencies(true, 30);
  const polled = await latencies(false, 30);
  const reference = { name: 'the poll interval', value: POLL_MS, unit: 'ms' };
  return [
    { name: 'commit → notification, fs.watch + poll (p95)', value: p95(watched), unit: 'ms', target: '< 1000 ms', ok: p95(watched) < 1000, reference },
    { name: 'commit → notification, poll only (p95)', value: p95(polled), unit: 'ms', target: '< 1000 ms', ok: p95(polled) < 1000, reference, note: 'what a network drive gets' },
  ];
}
