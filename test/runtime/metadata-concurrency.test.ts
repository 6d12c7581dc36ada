// Several processes (CLI runs and the extension's runtime) write one metadata file at once. Four child
// processes start together on a file that does not exist yet, each recording runs, reading, and
// recovering "interrupted" executions at start as the CLI does; none may see SQLITE_BUSY or lose work.
// This file is also the child: with MLPIPE_MLMD_CHILD set it writes runs instead of defining tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The store's own driver: two SQLite libraries in one process would break each other's POSIX locks.
import Database from '../../runtime/metadata/sqlite';
import { MetadataStore } from '../../runtime/metadata/store';
import { latestArtifact } from '../../runtime/orchestrator/resolverStrategies';

const RUNS_PER_PROCESS = 8;
const STEPS = ['gen', 'stats', 'schema', 'train', 'eval'];

function child(): void {
  const file = process.env.MLPIPE_MLMD_DB!;
  const name = process.env.MLPIPE_MLMD_CHILD!;
  const startAt = Number(process.env.MLPIPE_MLMD_START);
  while (Date.now() < startAt) {
    // Busy-wait to a common start so the four processes really collide, opening included.
  }
  const journalMode = process.env.MLPIPE_MLMD_JOURNAL === 'delete' ? 'delete' : 'wal';
  const store = MetadataStore.open(file, { journalMode });
  store.recoverInterrupted('the runtime stopped (test)', []);
  for (let r = 0; r < RUNS_PER_PROCESS; r++) {
    const { runContextId } = store.beginRun('shared', `${name}-run-${r}`);
    let previous: number[] = [];
    for (const step of STEPS) {
      const e = store.registerExecution({ pipeline: 'shared', runContextId, nodeId: step, executionType: `Step.${step}`, customProperties: { worker: name }, inputs: previous.length ? { in: previous } : {} });
      const dir = join(file, '..', 'artifacts', name, String(e));
      mkdirSync(dir, { recursive: true });
      previous = store.publishSucceeded(e, `${name}-${r}-${step}`, { out: [{ type: 'Examples', uri: dir, properties: { span: r }, customProperties: {} }] }).out!;
    }
    // Readers interleave with the other writers.
    store.listRuns({ limit: 50 });
    store.lineage(previous[0]!);
    store.nodeStates('shared');
  }
  store.close();
  process.stdout.write(JSON.stringify({ ok: true, name }));
}

if (process.env.MLPIPE_MLMD_CHILD) {
  child();
} else {
  for (const journal of ['wal', 'delete'] as const) {
    test(`four processes record runs into one new database at once, all succeed (${journal} journal)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mlpipe-mlmd-concurrency-'));
      test.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, '.mlpipe', 'metadata.sqlite');
      const startAt = Date.now() + 1500;
      const results = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map(
          (name) =>
            new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
              const p = spawn(process.execPath, ['--import', 'tsx', __filename], {
                env: { ...process.env, MLPIPE_MLMD_CHILD: name, MLPIPE_MLMD_DB: file, MLPIPE_MLMD_START: String(startAt), MLPIPE_MLMD_JOURNAL: journal },
                stdio: ['ignore', 'pipe', 'pipe'],
              });
              let stdout = '';
              let stderr = '';
              p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
              p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
              p.on('close', (code) => resolve({ code, stdout, stderr }));
            }),
        ),
      );
      for (const r of results) {
        assert.equal(r.code, 0, `child failed: ${r.stderr}`);
        assert.equal(JSON.parse(r.stdout).ok, true);
        assert.doesNotMatch(r.stderr, /SQLITE_BUSY|database is locked/);
      }
      const store = MetadataStore.open(file, { readonly: true });
      try {
        const runs = store.listRuns({ limit: 1000 });
        assert.equal(runs.total, 4 * RUNS_PER_PROCESS);
        assert.ok(runs.items.every((r) => r.state === 'COMPLETE' && r.executionCount === STEPS.length));
        // The seeded types were created once, by whichever process came first.
        const raw = new Database(file, { readonly: true });
        try {
          assert.deepEqual(raw.prepare("SELECT COUNT(*) AS n FROM Type WHERE name LIKE 'mlmd.%'").get(), { n: 9 });
          assert.deepEqual(raw.prepare('SELECT schema_version FROM MLMDEnv').all(), [{ schema_version: 10 }]);
          assert.deepEqual(raw.prepare('SELECT last_known_state AS s, COUNT(*) AS n FROM Execution GROUP BY s').all(), [{ s: 3, n: 4 * RUNS_PER_PROCESS * STEPS.length }]);
          assert.deepEqual(raw.prepare('SELECT COUNT(*) AS n FROM Artifact').get(), { n: 4 * RUNS_PER_PROCESS * STEPS.length });
          assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
          assert.equal(raw.pragma('journal_mode', { simple: true }), journal);
          assert.deepEqual(raw.prepare("SELECT COUNT(*) AS n FROM Type t WHERE t.name = 'Examples'").get(), { n: 1 }, 'no duplicate types from racing writers');
        } finally {
          raw.close();
        }
        const last = store.lineage(latestArtifact(store, 'shared', 'Examples')!.id, { direction: 'upstream' });
        assert.equal(last.nodes.filter((n) => n.kind === 'execution').length, STEPS.length);
      } finally {
        store.close();
      }
    });
  }
}
