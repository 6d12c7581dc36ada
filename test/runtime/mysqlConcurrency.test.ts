// Many processes on one MySQL/MariaDB store (issue 14): eight processes start together on a database
// that does not exist yet and record runs (opening and creating the schema race too), then eight more
// re-run one finished run at once and must all be answered from the cache without a new artifact; and a
// process killed with SIGKILL in the middle of a write transaction leaves nothing half-written and no
// lock behind. This file is also the child: with MLPIPE_MYSQL_CHILD set it works instead of defining tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataStore } from '../../runtime/metadata/store';
import { MetadataConnection } from '../../runtime/metadata/connection';
import { MlmdWrites } from '../../runtime/metadata/mlmdWrites';
import { TypeKind, ExecutionStateCode } from '../../runtime/metadata/schema';
import type { StoreLocation } from '../../runtime/metadata/location';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';

const PROCESSES = 8;
const RUNS_PER_PROCESS = 3;
const STEPS = ['gen', 'stats', 'schema', 'train', 'eval'];

/** One pipeline run through the store as the orchestrator drives it: a cache hit is reused, a miss recorded. */
function runOnce(store: MetadataStore, runName: string, keyOf: (step: string) => string, artifactRoot: string): { cached: number; produced: number } {
  const { runContextId } = store.beginRun('shared', runName);
  let previous: number[] = [];
  let cached = 0;
  let produced = 0;
  for (const step of STEPS) {
    const e = store.registerExecution({ pipeline: 'shared', runContextId, nodeId: step, executionType: `Step.${step}`, customProperties: {}, inputs: previous.length ? { in: previous } : {} });
    const hit = store.findCached(keyOf(step));
    if (hit) {
      const ids = hit.outputs['out']!.map((a) => a.id);
      store.publishCached(e, keyOf(step), { out: ids });
      previous = ids;
      cached++;
      continue;
    }
    const dir = join(artifactRoot, runName, step, String(e));
    mkdirSync(dir, { recursive: true });
    previous = store.publishSucceeded(e, keyOf(step), { out: [{ type: 'Examples', uri: dir, properties: { span: 0 }, customProperties: {} }] }).out!;
    produced++;
  }
  store.listRuns({ limit: 50 });
  store.lineage(previous[0]!);
  return { cached, produced };
}

function child(): void {
  const location = JSON.parse(process.env['MLPIPE_MYSQL_LOCATION']!) as StoreLocation;
  const name = process.env['MLPIPE_MYSQL_CHILD']!;
  const mode = process.env['MLPIPE_MYSQL_MODE'];
  const artifactRoot = process.env['MLPIPE_MYSQL_ARTIFACTS']!;
  if (mode === 'hang-in-write') {
    // Half of an execution's write, then stop inside the transaction until killed.
    const conn = MetadataConnection.open(location);
    const w = new MlmdWrites(conn);
    conn.write(() => {
      const typeId = w.typeIdFor('Step.killed', TypeKind.EXECUTION, undefined);
      const id = w.insertExecution(typeId, ExecutionStateCode.RUNNING, 'half-written', Date.now());
      w.putProperties('ExecutionProperty', id, typeId, { note: 'never committed' }, 'killed', true);
      process.stdout.write('in-transaction\n');
      const stop = new Int32Array(new SharedArrayBuffer(4));
      for (;;) Atomics.wait(stop, 0, 0, 1000);
    });
    return;
  }
  const startAt = Number(process.env['MLPIPE_MYSQL_START']);
  while (Date.now() < startAt) {
    // Busy-wait to a common start so the processes really collide, opening included.
  }
  const store = MetadataStore.open(location);
  store.recoverInterrupted('the runtime stopped (test)', []);
  const totals = { cached: 0, produced: 0 };
  if (mode === 'cached') {
    const r = runOnce(store, `${name}-rerun`, (step) => `first-${step}`, artifactRoot);
    totals.cached += r.cached;
    totals.produced += r.produced;
  } else {
    for (let r = 0; r < RUNS_PER_PROCESS; r++) {
      const res = runOnce(store, `${name}-run-${r}`, (step) => `${name}-${r}-${step}`, artifactRoot);
      totals.produced += res.produced;
    }
  }
  store.close();
  process.stdout.write(JSON.stringify({ ok: true, name, ...totals }));
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startChild(env: Record<string, string>, onStdout?: (text: string, kill: () => void) => void): Promise<ChildResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', __filename], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, () => p.kill('SIGKILL'));
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

if (process.env['MLPIPE_MYSQL_CHILD']) {
  child();
} else {
  describe('many processes on one MySQL store (MariaDB)', { skip: skipWithoutMariadb() }, () => {
    let server: MysqlTestServer;
    let dir: string;
    before(async () => {
      server = await MysqlTestServer.start();
      dir = mkdtempSync(join(tmpdir(), 'mlpipe-mysql-concurrency-'));
    });
    after(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test(`${PROCESSES} processes record runs into one new database at once, then ${PROCESSES} cached re-runs add no artifact`, async () => {
      const location = server.newDatabase();
      const env = (name: string, mode: string, startAt: number) => ({
        MLPIPE_MYSQL_CHILD: name,
        MLPIPE_MYSQL_MODE: mode,
        MLPIPE_MYSQL_LOCATION: JSON.stringify(location),
        MLPIPE_MYSQL_ARTIFACTS: join(dir, 'artifacts'),
        MLPIPE_MYSQL_START: String(startAt),
      });
      const names = Array.from({ length: PROCESSES }, (_, i) => `w${i + 1}`);
      const startAt = Date.now() + 4000;
      const results = await Promise.all(names.map((n) => startChild(env(n, 'record', startAt))));
      for (const r of results) {
        assert.equal(r.code, 0, `child failed: ${r.stderr}`);
        assert.equal(JSON.parse(r.stdout).produced, RUNS_PER_PROCESS * STEPS.length);
      }
      const executions = PROCESSES * RUNS_PER_PROCESS * STEPS.length;
      const check = MetadataStore.open(location, { readonly: true });
      try {
        const runs = check.listRuns({ limit: 1000 });
        assert.equal(runs.total, PROCESSES * RUNS_PER_PROCESS);
        assert.ok(runs.items.every((r) => r.state === 'COMPLETE' && r.executionCount === STEPS.length));
      } finally {
        check.close();
      }
      await server.asRoot(async (c) => {
        const q = async (sql: string) => ((await c.query(sql)) as unknown as [unknown[]])[0];
        assert.deepEqual(await q("SELECT COUNT(*) AS n FROM `Type` WHERE name LIKE 'mlmd.%'"), [{ n: 9 }], 'seeded once, by whichever process created the schema');
        assert.deepEqual(await q('SELECT schema_version FROM MLMDEnv'), [{ schema_version: 10 }]);
        assert.deepEqual(await q("SELECT COUNT(*) AS n FROM `Type` WHERE name = 'Examples'"), [{ n: 1 }], 'no duplicate types from racing writers');
        assert.deepEqual(await q('SELECT last_known_state AS s, COUNT(*) AS n FROM Execution GROUP BY last_known_state'), [{ s: 3, n: executions }]);
        assert.deepEqual(await q('SELECT COUNT(*) AS n FROM Artifact'), [{ n: executions }]);
      }, location.database);

      // A finished run under fixed cache keys, then every process re-runs it at the same moment.
      const seed = MetadataStore.open(location);
      try {
        assert.deepEqual(runOnce(seed, 'first', (step) => `first-${step}`, join(dir, 'artifacts')), { cached: 0, produced: STEPS.length });
      } finally {
        seed.close();
      }
      const againAt = Date.now() + 4000;
      const reruns = await Promise.all(names.map((n) => startChild(env(n, 'cached', againAt))));
      for (const r of reruns) {
        assert.equal(r.code, 0, `child failed: ${r.stderr}`);
        assert.deepEqual(JSON.parse(r.stdout), { ok: true, name: JSON.parse(r.stdout).name, cached: STEPS.length, produced: 0 });
      }
      await server.asRoot(async (c) => {
        const [rows] = (await c.query('SELECT COUNT(*) AS n FROM Artifact')) as unknown as [unknown[]];
        assert.deepEqual(rows, [{ n: executions + STEPS.length }], 'the cached re-runs created no artifact');
        const [perKey] = (await c.query(
          "SELECT c.name AS k, COUNT(DISTINCT ev.artifact_id) AS artifacts FROM Context c JOIN `Type` t ON t.id = c.type_id AND t.name = 'execution_cache'" +
            " JOIN Association a ON a.context_id = c.id JOIN Event ev ON ev.execution_id = a.execution_id AND ev.type = 4 WHERE c.name LIKE 'first-%' GROUP BY c.name",
        )) as unknown as [Array<{ k: string; artifacts: number }>];
        assert.deepEqual(perKey.map((r) => r.artifacts), STEPS.map(() => 1), 'one artifact per cache key');
      }, location.database);
    });

    test('a process killed inside a write transaction leaves no half-written execution and no lock', async () => {
      const location = server.newDatabase();
      MetadataStore.open(location).close();
      const killed = await startChild(
        { MLPIPE_MYSQL_CHILD: 'killed', MLPIPE_MYSQL_MODE: 'hang-in-write', MLPIPE_MYSQL_LOCATION: JSON.stringify(location), MLPIPE_MYSQL_ARTIFACTS: dir },
        (text, kill) => {
          if (text.includes('in-transaction')) kill();
        },
      );
      assert.equal(killed.code, null, `the child was killed (stderr: ${killed.stderr})`);
      // Another writer gets the lock at once (the server freed it with the dropped connection).
      const store = MetadataStore.open(location, { busyTimeoutMs: 5000 });
      try {
        const t0 = Date.now();
        const { runContextId } = store.beginRun('p', 'after-kill');
        assert.ok(Date.now() - t0 < 4000, 'the killed writer held no lock');
        store.registerExecution({ pipeline: 'p', runContextId, nodeId: 'n', executionType: 'Step.after', customProperties: {}, inputs: {} });
      } finally {
        store.close();
      }
      await server.asRoot(async (c) => {
        const [half] = (await c.query("SELECT COUNT(*) AS n FROM Execution WHERE name = 'half-written'")) as unknown as [unknown[]];
        assert.deepEqual(half, [{ n: 0 }]);
        const [props] = (await c.query("SELECT COUNT(*) AS n FROM ExecutionProperty WHERE name = 'note'")) as unknown as [unknown[]];
        assert.deepEqual(props, [{ n: 0 }]);
        const [types] = (await c.query("SELECT COUNT(*) AS n FROM `Type` WHERE name = 'Step.killed'")) as unknown as [unknown[]];
        assert.deepEqual(types, [{ n: 0 }], 'the type registered in the killed transaction is gone too');
        const [execs] = (await c.query('SELECT COUNT(*) AS n FROM Execution')) as unknown as [unknown[]];
        assert.deepEqual(execs, [{ n: 1 }]);
      }, location.database);
    });
  });
}
