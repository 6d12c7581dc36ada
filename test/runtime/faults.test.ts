// Faults a real process meets: kill -9 mid-step, SIGTERM (cancel), several CLI processes on one database,
// and the CLI's exit codes and messages for users' mistakes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// The store's own driver: two SQLite libraries in one process would break each other's POSIX locks.
import Database from '../../runtime/metadata/sqlite';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { nodeCommand, runCli, spawnCli, tempWorkspace, type TempWorkspace } from './workspaceFixture';

// Writes half of its output, then sleeps: a kill lands while the step is "mid-write".
const SLOW = "const fs=require('fs'); fs.writeFileSync(process.argv[1]+'/part1','half'); console.log('wrote part1'); setTimeout(() => { fs.writeFileSync(process.argv[1]+'/part2','rest'); }, Number(process.argv[2]))";
const QUICK = "require('fs').writeFileSync(process.argv[1]+'/out.txt', 'ok')";

function slowPipeline(name: string, sleepMs: number): string {
  return `pipeline: ${name}
components:
  first:
    type: Command
    params: {command: ${nodeCommand(QUICK, '{{outputs.out}}')}}
    outputs: {out: Examples}
  slow:
    type: Command
    inputs: {data: first.out}
    params: {command: ${nodeCommand(SLOW, '{{outputs.out}}', String(sleepMs))}}
    outputs: {out: Examples}
`;
}

function waitForLine(child: ReturnType<typeof spawnCli>, pattern: RegExp, timeoutMs = 20000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in: ${buf}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

function exitOf(child: ReturnType<typeof spawnCli>): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

describe('faults', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace();
  });
  after(() => ws.dispose());

  it('kill -9 during a step leaves a consistent database, and the re-run succeeds', async () => {
    const file = ws.write('slow.pipeline.yaml', slowPipeline('killed', 60_000));
    const child = spawnCli(['run', file, '--json', '--verbose'], ws.root);
    await waitForLine(child, /"line":"wrote part1"/);
    child.kill('SIGKILL');
    await exitOf(child);

    const raw = new Database(ws.db, { readonly: true });
    try {
      assert.equal((raw.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
      // Before the next start the killed step is still RUNNING (nothing could record otherwise).
      assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM Execution WHERE last_known_state = 2').get() as { n: number }).n, 1);
    } finally {
      raw.close();
    }
    // No partial output was published: the slow step's artifact folder does not exist.
    assert.equal(existsSync(join(ws.root, '.mlpipe', 'artifacts', 'killed', 'slow')), false);

    const again = await runCli(['run', ws.write('slow.pipeline.yaml', slowPipeline('killed', 10))], ws.root);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /first: cached/);
    assert.match(again.stdout, /slow: complete/);

    const db = new Database(ws.db, { readonly: true });
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM Execution WHERE last_known_state = 2').get() as { n: number }).n, 0);
      const failed = db.prepare("SELECT e.id, p.string_value AS result FROM Execution e JOIN ExecutionProperty p ON p.execution_id = e.id AND p.name = '__execution_result__' WHERE e.last_known_state = 4").all() as Array<{ result: string }>;
      assert.equal(failed.length, 1);
      assert.match(failed[0]!.result, /runtime stopped while this step was running/);
      // The first run's finished step was not touched.
      assert.equal((db.prepare("SELECT COUNT(*) AS n FROM Execution WHERE last_known_state = 3").get() as { n: number }).n, 2);
    } finally {
      db.close();
    }
    // Staging left by the killed process is cleaned up.
    assert.deepEqual(readdirSync(join(ws.root, '.mlpipe', 'tmp')), []);
  });

  it('SIGTERM cancels the running step and its child process, recorded as CANCELED', async () => {
    const file = ws.write('cancel.pipeline.yaml', slowPipeline('canceled', 60_000));
    const started = Date.now();
    const child = spawnCli(['run', file, '--json', '--verbose'], ws.root);
    await waitForLine(child, /"line":"wrote part1"/);
    child.kill('SIGTERM');
    const code = await exitOf(child);
    assert.equal(code, 1);
    assert.ok(Date.now() - started < 30_000, 'cancel did not wait for the 60 s step');
    const db = new Database(ws.db, { readonly: true });
    try {
      const row = db.prepare("SELECT e.last_known_state AS state FROM Execution e JOIN Association a ON a.execution_id = e.id JOIN Context c ON c.id = a.context_id WHERE c.name = 'canceled.slow'").get() as { state: number };
      assert.equal(row.state, 6);
    } finally {
      db.close();
    }
  });

  it('4 concurrent mlpipe run processes on one database all succeed', async () => {
    const files = [0, 1, 2, 3].map((i) => ws.write(`c${i}.pipeline.yaml`, slowPipeline(`concurrent${i}`, 50)));
    const results = await Promise.all(files.map((f) => runCli(['run', f, '--no-cache'], ws.root)));
    for (const r of results) assert.equal(r.code, 0, r.stderr + r.stdout);
    const db = new Database(ws.db, { readonly: true });
    try {
      assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
      const runs = db
        .prepare("SELECT p.name AS pipeline, COUNT(*) AS n FROM ParentContext pc JOIN Context p ON p.id = pc.parent_context_id WHERE p.name LIKE 'concurrent%' GROUP BY p.name ORDER BY p.name")
        .all() as Array<{ pipeline: string; n: number }>;
      assert.deepEqual(runs, [0, 1, 2, 3].map((i) => ({ pipeline: `concurrent${i}`, n: 1 })));
    } finally {
      db.close();
    }
  });
});

describe('CLI', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace();
  });
  after(() => ws.dispose());

  it('exits 2 with a message, never a stack trace, on usage errors', async () => {
    for (const args of [['frobnicate'], ['run'], ['run', 'missing.pipeline.yaml'], ['runs', '--bogus'], ['show', 'x'], ['approve', '3', '--approve']]) {
      const r = await runCli(args, ws.root);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mlpipe: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('exits 1 and prints file:line:column for an invalid pipeline', async () => {
    const file = ws.write('bad.pipeline.yaml', 'pipeline: bad\ncomponents:\n  a:\n    type: StatisticGen\n');
    for (const cmd of ['validate', 'run']) {
      const r = await runCli([cmd, file], ws.root);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad\.pipeline\.yaml:4:11: error: .*StatisticGen/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('explains a database with executions but no pipeline runs, and leaves it unchanged', { skip: skipWithoutFixture('mlmd/mlmd-v8-getting-started.db') }, async () => {
    const fixture = sharedFixture('mlmd/mlmd-v8-getting-started.db');
    const before = readFileSync(fixture);
    const r = await runCli(['runs', '--db', fixture], ws.root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no pipeline runs \(this database has 1 execution\(s\), 2 artifact\(s\)/);
    const lineage = await runCli(['lineage', '1', '--db', fixture], ws.root);
    assert.match(lineage.stdout, /artifact 1 DataSet --DECLARED_INPUT --> execution 1 Trainer/);
    assert.deepEqual(readFileSync(fixture), before);
  });

  it('runs, lists runs, shows an execution and its lineage', async () => {
    const file = ws.write('ok.pipeline.yaml', slowPipeline('listed', 10));
    const run = await runCli(['run', file], ws.root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /results: .*\.mlpipe\/artifacts/);
    const runs = await runCli(['runs', '--json'], ws.root);
    const page = JSON.parse(runs.stdout) as { items: Array<{ pipeline: string; executionCount: number }> };
    assert.equal(page.items[0]!.pipeline, 'listed');
    assert.equal(page.items[0]!.executionCount, 2);
    const show = await runCli(['show', '2', '--json'], ws.root);
    const exec = JSON.parse(show.stdout) as { nodeId: string; outputs: Array<{ artifact: { id: number } }> };
    assert.equal(exec.nodeId, 'slow');
    const lineage = await runCli(['lineage', String(exec.outputs[0]!.artifact.id), '--json'], ws.root);
    const graph = JSON.parse(lineage.stdout) as { nodes: unknown[]; edges: unknown[] };
    assert.ok(graph.nodes.length >= 4, lineage.stdout);
  });

  it('a first run from a parent folder keeps its database there, where `mlpipe runs` then looks', async () => {
    // The README's flow on a fresh checkout: no .mlpipe anywhere, the pipeline in a sub-folder.
    const fresh = mkdtempSync(join(tmpdir(), 'mlpipe-fresh-'));
    try {
      const project = join(fresh, 'project');
      mkdirSync(join(project, 'pipelines'), { recursive: true });
      const file = join(project, 'pipelines', 'p.pipeline.yaml');
      writeFileSync(file, slowPipeline('nested', 10));
      const run = await runCli(['run', 'pipelines/p.pipeline.yaml'], project);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(existsSync(join(project, '.mlpipe', 'metadata.sqlite')), run.stdout);
      assert.ok(!existsSync(join(project, 'pipelines', '.mlpipe')));
      const runs = await runCli(['runs', '--json'], project);
      assert.equal(runs.code, 0, runs.stderr);
      assert.equal((JSON.parse(runs.stdout) as { items: Array<{ pipeline: string }> }).items[0]!.pipeline, 'nested');
      // Run from outside the project: the project's database is found above the file.
      const again = await runCli(['run', file], fresh);
      assert.equal(again.code, 0, again.stderr);
      assert.ok(!existsSync(join(fresh, '.mlpipe')));
      // A file outside the current folder, with no .mlpipe above it, keeps its state beside it.
      const elsewhere = join(fresh, 'elsewhere');
      mkdirSync(elsewhere);
      const lone = join(fresh, 'lone');
      mkdirSync(lone);
      writeFileSync(join(lone, 'l.pipeline.yaml'), slowPipeline('lone', 10));
      const loneRun = await runCli(['run', join(lone, 'l.pipeline.yaml')], elsewhere);
      assert.equal(loneRun.code, 0, loneRun.stderr);
      assert.ok(existsSync(join(lone, '.mlpipe', 'metadata.sqlite')));
      assert.ok(!existsSync(join(elsewhere, '.mlpipe')));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
