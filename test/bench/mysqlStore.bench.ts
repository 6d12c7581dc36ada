// The MySQL store's figures (issue 14), each against SQLite in the same run, on a MariaDB the bench
// starts on localhost (test/mysqlServer.ts, InnoDB flushing at every commit as the server's default):
//  - a fully cached run of the penguin sample through the orchestrator, MySQL vs SQLite (target < 2×);
//  - the newest 50 of 1,000 recorded runs, and one artifact's lineage (targets < 20 ms each);
//  - recording one execution (register + publish), and the cost of one statement through the worker
//    thread against awaiting mysql2 directly (the sync-or-async decision, runtime/metadata/README.md).
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { MetadataStore } from '../../runtime/metadata/store';
import type { StoreLocation } from '../../runtime/metadata/location';
import { SyncMysqlClient } from '../../runtime/metadata/mysqlClient';
import { runPipeline } from '../../runtime/orchestrator/run';
import { recordApproval, waitingApprovals } from '../../runtime/orchestrator/approval';
import { MysqlTestServer } from '../mysqlServer';
import type { BenchResult } from './result';

export const title = 'MySQL metadata store (issue 14)';

const RUNS = Number(process.env.MLPIPE_BENCH_RUNS ?? 1000);
const STEPS = 10;
const repo = join(__dirname, '..', '..');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, repeat: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** The metadata bench's database: `runs` runs of a 10-step pipeline, 2 outputs per step, lineage across runs. */
function record(location: string | StoreLocation, artifactRoot: string, runs: number): { msPerExecution: number; middleArtifact: number } {
  const store = MetadataStore.open(location);
  let middleArtifact = 0;
  let previousModel: number | undefined;
  const t0 = performance.now();
  try {
    for (let r = 0; r < runs; r++) {
      const { runContextId } = store.beginRun('bench', `2026-11-27T09:00:00.${String(r).padStart(6, '0')}`);
      let previous: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        const inputs: Record<string, number[]> = previous.length ? { examples: previous } : {};
        if (s === 7 && previousModel !== undefined) inputs.baseline_model = [previousModel];
        const e = store.registerExecution({
          pipeline: 'bench',
          runContextId,
          nodeId: `step_${s}`,
          executionType: `mlpipe.components.Step${s}`,
          baseType: 'mlmd.Process',
          customProperties: { command: `["python3","step${s}.py"]`, epochs: 40, learning_rate: 0.01, label: 'species' },
          inputs,
        });
        const outputs = Array.from({ length: 2 }, (_, i) => ({
          type: s === 6 && i === 0 ? 'Model' : 'Examples',
          uri: join(artifactRoot, 'bench', `step_${s}`, `out_${i}`, String(e)),
          properties: s === 6 && i === 0 ? {} : { span: r, version: 0, split_names: '["train","eval"]' },
          customProperties: { file_format: 'parquet' },
        }));
        previous = store.publishSucceeded(e, `cache-${r}-${s}`, { out: outputs }).out!;
        if (s === 6) previousModel = previous[0];
        if (r === Math.floor(runs / 2) && s === 4) middleArtifact = previous[0]!;
      }
    }
  } finally {
    store.close();
  }
  return { msPerExecution: (performance.now() - t0) / (runs * STEPS), middleArtifact };
}

/** The penguin sample in its own workspace, run until complete (the approval given), on `store`. */
async function preparePenguin(dir: string, store: string | StoreLocation): Promise<string> {
  cpSync(join(repo, 'samples', 'penguin'), dir, { recursive: true });
  mkdirSync(join(dir, '.mlpipe'), { recursive: true });
  const file = join(dir, 'penguin.pipeline.yaml');
  const first = await runPipeline({ file, root: dir, dbPath: store, onApprovalWait: 'return' });
  if (first.state === 'waiting') {
    const s = MetadataStore.open(store);
    const waiting = waitingApprovals(s);
    s.close();
    for (const w of waiting) recordApproval(store, { executionId: w.id, decision: 'approved', by: 'bench' });
    await runPipeline({ file, root: dir, dbPath: store, onApprovalWait: 'return' });
  }
  return file;
}

async function cachedRunMs(file: string, dir: string, store: string | StoreLocation): Promise<{ ms: number; state: string }> {
  const t0 = performance.now();
  const r = await runPipeline({ file, root: dir, dbPath: store, onApprovalWait: 'return' });
  const ms = performance.now() - t0;
  const notCached = Object.entries(r.steps).filter(([, s]) => s.state !== 'cached').map(([id, s]) => `${id}:${s.state}`);
  return { ms, state: notCached.length ? `not all cached: ${notCached.join(', ')}` : 'all cached' };
}

export async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-bench-mysql-'));
  const server = await MysqlTestServer.start({ flushLogAtCommit: 1 });
  const loadBefore = loadavg()[0]!;
  try {
    // 1. A fully cached penguin run, MySQL and SQLite alternating.
    const sqliteDir = join(dir, 'penguin-sqlite');
    const mysqlDir = join(dir, 'penguin-mysql');
    const sqliteStore = join(sqliteDir, '.mlpipe', 'metadata.sqlite');
    const mysqlStore = server.newDatabase('penguin');
    const sqliteFile = await preparePenguin(sqliteDir, sqliteStore);
    const mysqlFile = await preparePenguin(mysqlDir, mysqlStore);
    const sqliteRuns: number[] = [];
    const mysqlRuns: number[] = [];
    let cachedNote = '';
    for (let i = 0; i < 4; i++) {
      const s = await cachedRunMs(sqliteFile, sqliteDir, sqliteStore);
      const m = await cachedRunMs(mysqlFile, mysqlDir, mysqlStore);
      if (i > 0) {
        sqliteRuns.push(s.ms);
        mysqlRuns.push(m.ms);
      }
      cachedNote = `SQLite ${s.state}, MySQL ${m.state}`;
    }
    const sqliteCached = median(sqliteRuns);
    const mysqlCached = median(mysqlRuns);

    // 2. 1,000 runs: the newest 50 and one lineage, on MySQL; the same reads on SQLite for reference.
    const artifactRoot = join(dir, 'artifacts');
    const big = server.newDatabase('runs');
    const sqliteBig = join(dir, 'runs', 'metadata.sqlite');
    const mysqlRecord = record(big, artifactRoot, RUNS);
    const sqliteRecord = record(sqliteBig, artifactRoot, RUNS);
    const reader = MetadataStore.open(big, { readonly: true });
    const sqliteReader = MetadataStore.open(sqliteBig, { readonly: true });
    const listMs = time(() => void reader.listRuns({ limit: 50 }), 30);
    const sqliteListMs = time(() => void sqliteReader.listRuns({ limit: 50 }), 30);
    const lineageMs = time(() => void reader.lineage(mysqlRecord.middleArtifact), 30);
    const sqliteLineageMs = time(() => void sqliteReader.lineage(sqliteRecord.middleArtifact), 30);
    const lineage = reader.lineage(mysqlRecord.middleArtifact);
    reader.close();
    sqliteReader.close();

    // 3. One statement through the worker thread vs awaited on mysql2 directly.
    const options = { host: server.host, port: server.port, user: server.user, password: server.password };
    const sync = SyncMysqlClient.connect(options, 60_000);
    const direct = await createConnection(options);
    const N = 2000;
    for (let i = 0; i < 200; i++) sync.query('SELECT ? AS x', [i]);
    let t0 = performance.now();
    for (let i = 0; i < N; i++) sync.query('SELECT ? AS x', [i]);
    const syncUs = ((performance.now() - t0) * 1000) / N;
    for (let i = 0; i < 200; i++) await direct.query('SELECT ? AS x', [i]);
    t0 = performance.now();
    for (let i = 0; i < N; i++) await direct.query('SELECT ? AS x', [i]);
    const directUs = ((performance.now() - t0) * 1000) / N;
    sync.close();
    await direct.end();

    const load = `load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on this shared machine`;
    return [
      {
        name: 'fully cached penguin run through the orchestrator, MySQL (localhost MariaDB)',
        value: mysqlCached,
        unit: 'ms',
        target: '< 2× SQLite',
        ok: mysqlCached < 2 * sqliteCached,
        reference: { name: 'the same run on SQLite (WAL)', value: sqliteCached, unit: 'ms' },
        note: `${(mysqlCached / sqliteCached).toFixed(2)}×, median of 3 alternating runs after a warm-up; ${cachedNote}; ${load}`,
      },
      {
        name: `newest 50 runs (listRuns, ${RUNS} runs in the database), MySQL`,
        value: listMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: listMs < 20,
        reference: { name: 'the same on SQLite', value: sqliteListMs, unit: 'ms' },
      },
      {
        name: 'lineage of one artifact (both directions, default depth 50), MySQL',
        value: lineageMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: lineageMs < 20,
        reference: { name: 'the same on SQLite', value: sqliteLineageMs, unit: 'ms' },
        note: `${lineage.nodes.length} nodes, ${lineage.edges.length} edges${lineage.truncated ? ', truncated' : ''}`,
      },
      {
        name: 'recording one execution through the write API (register + publish), MySQL',
        value: mysqlRecord.msPerExecution,
        unit: 'ms',
        reference: { name: 'the same on SQLite (WAL)', value: sqliteRecord.msPerExecution, unit: 'ms' },
        note: `${RUNS * STEPS} executions, one transaction per call, InnoDB flushing at every commit`,
      },
      {
        name: 'one statement (SELECT ?) through the store’s worker thread',
        value: syncUs,
        unit: 'µs',
        reference: { name: 'awaited on mysql2 directly', value: directUs, unit: 'µs' },
        note: `${N} statements each; ${load}`,
      },
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
