// The orchestrator, specified through pipelines of Command steps (Node scripts), against a real
// metadata store in a temporary workspace: a SQLite file, and a MariaDB database (test/storeBackends.ts).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { recordApproval } from '../../runtime/orchestrator/approval';
import type { RunEvent } from '../../runtime/orchestrator/events';
import { PipelineInvalidError, RunRequestError, runPipeline as runPipelineIn } from '../../runtime/orchestrator/run';
import type { RunOptions } from '../../runtime/orchestrator/api';
import type { StoreLocation } from '../../runtime/metadata/location';
import { nodeCommand, tempWorkspace as tempFolder, type TempWorkspace as TempFolder } from './workspaceFixture';
import { openArg, storeBackends, type RawDb, type StoreBackend } from '../storeBackends';
import { waitingApprovals } from '../../runtime/orchestrator/approval';

const WRITE = "require('fs').writeFileSync(process.argv[1]+'/out.txt', process.argv[2] || 'x')";
const APPEND = "const fs=require('fs'); fs.writeFileSync(process.argv[2]+'/out.txt', fs.readFileSync(process.argv[1]+'/out.txt','utf8') + process.argv[3])";
const FAIL = "console.log('about to fail'); console.error('boom: bad data'); process.exit(3)";

function chain(name: string, extra = ''): string {
  return `pipeline: ${name}
components:
  ingest:
    type: Command
    params:
      command: ${nodeCommand(WRITE, '{{outputs.examples}}', '{{params.seed}}')}
      seed: "a"
    outputs: {examples: Examples}
  middle:
    type: Command
    inputs: {examples: ingest.examples}
    params:
      command: ${nodeCommand(APPEND, '{{inputs.examples}}', '{{outputs.examples}}', 'b')}
    outputs: {examples: Examples}
  last:
    type: Command
    inputs: {examples: middle.examples}
    params:
      command: ${nodeCommand(APPEND, '{{inputs.examples}}', '{{outputs.statistics}}', 'c')}
    outputs: {statistics: ExampleStatistics}
${extra}`;
}

function suite(backend: StoreBackend): void {
  /** A workspace folder and its store on this backend (`store`: what --db would name). */
  interface TempWorkspace extends TempFolder {
    location: StoreLocation;
    store: string | StoreLocation;
  }

  const locations = new Map<string, StoreLocation>();

  function tempWorkspace(): TempWorkspace {
    const folder = tempFolder();
    const location = backend.newLocation(folder.root);
    locations.set(folder.root, location);
    return Object.assign(folder, { location, store: openArg(location) });
  }

  /** runPipeline on the store of the workspace that holds the pipeline file. */
  function runPipeline(opts: RunOptions): ReturnType<typeof runPipelineIn> {
    const root = [...locations.keys()].find((r) => opts.file.startsWith(r + '/'));
    return runPipelineIn(root && opts.dbPath === undefined ? { ...opts, dbPath: openArg(locations.get(root)!) } : opts);
  }

  function db(ws: TempWorkspace): RawDb {
    return backend.raw(ws.location);
  }

  function states(ws: TempWorkspace): Array<{ id: number; state: number }> {
    const d = db(ws);
    try {
      return d.prepare('SELECT id, last_known_state AS state FROM Execution ORDER BY id').all() as Array<{ id: number; state: number }>;
    } finally {
      d.close();
    }
  }

  function count(ws: TempWorkspace, table: string): number {
    const d = db(ws);
    try {
      return (d.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      d.close();
    }
  }

  describe('orchestrator', () => {
    let ws: TempWorkspace;
    let file: string;
    before(() => {
      ws = tempWorkspace();
      file = ws.write('demo.pipeline.yaml', chain('demo'));
    });
    after(() => ws.dispose());

    it('runs a pipeline, publishes outputs in the TFX layout and records them', async () => {
      const events: RunEvent[] = [];
      const result = await runPipeline({ file, onEvent: (e) => events.push(e) });
      assert.equal(result.state, 'complete', JSON.stringify(result.steps));
      assert.deepEqual(Object.values(result.steps).map((s) => s.state), ['complete', 'complete', 'complete']);
      const lastExec = result.steps['last']!.executionId!;
      const out = join(ws.root, '.mlpipe', 'artifacts', 'demo', 'last', 'statistics', String(lastExec), 'out.txt');
      assert.equal(readFileSync(out, 'utf8'), 'abc');
      assert.ok(existsSync(join(ws.root, '.mlpipe', 'logs', `${lastExec}.log`)));
      assert.deepEqual(
        events.filter((e) => e.kind !== 'log').map((e) => e.kind),
        ['run-started', 'step-started', 'step-finished', 'step-started', 'step-finished', 'step-started', 'step-finished', 'run-finished'],
      );
      // MLMD: COMPLETE executions, LIVE artifacts, nothing left in staging.
      assert.deepEqual(states(ws).map((s) => s.state), [3, 3, 3]);
      assert.equal(count(ws, 'Artifact'), 3);
      assert.deepEqual(readdirSync(join(ws.root, '.mlpipe', 'tmp')), []);
    });

    it('serves an unchanged re-run from cache: CACHED executions and no new artifacts', async () => {
      const result = await runPipeline({ file });
      assert.deepEqual(Object.values(result.steps).map((s) => s.state), ['cached', 'cached', 'cached']);
      assert.equal(count(ws, 'Artifact'), 3);
      assert.deepEqual(states(ws).slice(3).map((s) => s.state), [5, 5, 5]);
    });

    it('re-executes everything with noCache', async () => {
      const result = await runPipeline({ file, noCache: true });
      assert.deepEqual(Object.values(result.steps).map((s) => s.state), ['complete', 'complete', 'complete']);
      assert.equal(count(ws, 'Artifact'), 6);
    });

    it('a param change re-runs that step and what follows it only', async () => {
      const edited = ws.write('demo-edited.pipeline.yaml', chain('demo').replace('"b"]', '"B"]'));
      const r = await runPipeline({ file: edited });
      assert.deepEqual(
        Object.fromEntries(Object.entries(r.steps).map(([k, v]) => [k, v.state])),
        { ingest: 'cached', middle: 'complete', last: 'complete' },
      );
    });

    it('--step runs one step on the latest published outputs of its upstream', async () => {
      const r = await runPipeline({ file, scope: { step: 'last' }, noCache: true });
      assert.deepEqual(Object.keys(r.steps), ['last']);
      assert.equal(r.steps['last']!.state, 'complete');
    });

    it('--step without upstream outputs says which step to run first', async () => {
      const fresh = tempWorkspace();
      try {
        const f = fresh.write('p.pipeline.yaml', chain('fresh'));
        const r = await runPipeline({ file: f, scope: { step: 'middle' } });
        assert.equal(r.state, 'failed');
        assert.match(r.steps['middle']!.reason!, /ingest has no published outputs yet; run it first/);
      } finally {
        fresh.dispose();
      }
    });

    it('--from and --to select the steps downstream and upstream', async () => {
      const from = await runPipeline({ file, scope: { from: 'middle' } });
      assert.deepEqual(Object.keys(from.steps), ['middle', 'last']);
      const to = await runPipeline({ file, scope: { to: 'middle' } });
      assert.deepEqual(Object.keys(to.steps), ['ingest', 'middle']);
    });

    it('an unknown step id is a request error', async () => {
      await assert.rejects(runPipeline({ file, scope: { step: 'nope' } }), (e: unknown) => e instanceof RunRequestError && /no component with that id/.test(e.message));
    });

    it('an invalid pipeline runs nothing and reports its diagnostics', async () => {
      const bad = ws.write('bad.pipeline.yaml', 'pipeline: bad\ncomponents:\n  a:\n    type: NoSuchThing\n');
      await assert.rejects(runPipeline({ file: bad }), (e: unknown) => e instanceof PipelineInvalidError && e.diagnostics.length > 0);
    });
  });

  describe('orchestrator failures and custom components', () => {
    let ws: TempWorkspace;
    before(() => {
      ws = tempWorkspace();
    });
    after(() => ws.dispose());

    it('a failing command is FAILED with the tail of its log, and its dependants are skipped', async () => {
      const file = ws.write(
        'fail.pipeline.yaml',
        `pipeline: failing
components:
  broken:
    type: Command
    params: {command: ${nodeCommand(FAIL)}}
    outputs: {examples: Examples}
  after:
    type: Command
    inputs: {examples: broken.examples}
    params: {command: ${nodeCommand(WRITE, '{{outputs.x}}')}}
    outputs: {x: Examples}
`,
      );
      const r = await runPipeline({ file });
      assert.equal(r.state, 'failed');
      assert.equal(r.steps['broken']!.state, 'failed');
      assert.match(r.steps['broken']!.reason!, /exited with code 3/);
      assert.match(r.steps['broken']!.reason!, /boom: bad data/);
      assert.equal(r.steps['after']!.state, 'skipped');
      const store = MetadataStore.open(ws.store, { readonly: true });
      try {
        const exec = store.execution(r.steps['broken']!.executionId!)!;
        assert.equal(exec.state, 'FAILED');
        assert.match(String(exec.customProperties['__execution_result__']), /boom: bad data/);
        assert.equal(exec.outputs.length, 0);
      } finally {
        store.close();
      }
      const log = readFileSync(join(ws.root, '.mlpipe', 'logs', `${r.steps['broken']!.executionId}.log`), 'utf8');
      assert.match(log, /about to fail/);
    });

    it('passes shell metacharacters in params through literally', async () => {
      const hostile = `$(touch pwned); echo hi | cat > also-pwned && \`id\` 'q' "dq" * ?`;
      const file = ws.write(
        'meta.pipeline.yaml',
        `pipeline: meta
components:
  echo:
    type: Command
    params:
      command: ${nodeCommand(WRITE, '{{outputs.out}}', '{{params.text}}')}
      text: ${JSON.stringify(hostile)}
    outputs: {out: Examples}
`,
      );
      const r = await runPipeline({ file });
      assert.equal(r.state, 'complete');
      const out = join(ws.root, '.mlpipe', 'artifacts', 'meta', 'echo', 'out', String(r.steps['echo']!.executionId), 'out.txt');
      assert.equal(readFileSync(out, 'utf8'), hostile);
      assert.equal(existsSync(join(ws.root, 'pwned')), false);
      assert.equal(existsSync(join(ws.root, 'also-pwned')), false);
    });

    it('a Function component runs the default export of a TS module, and its content is in the cache key', async () => {
      ws.write('steps/featurize.ts', "import { writeFileSync } from 'node:fs';\nexport default async (ctx: { outputs: Record<string, { uri: string }> }) => { writeFileSync(ctx.outputs.features.uri + '/f.txt', 'v1'); };\n");
      const file = ws.write(
        'fn.pipeline.yaml',
        `pipeline: fn
components:
  featurize:
    type: Function
    params: {module: steps/featurize.ts}
    outputs: {features: Examples}
`,
      );
      const r1 = await runPipeline({ file });
      assert.equal(r1.steps['featurize']!.state, 'complete', r1.steps['featurize']!.reason);
      const r2 = await runPipeline({ file });
      assert.equal(r2.steps['featurize']!.state, 'cached');
      ws.write('steps/featurize.ts', "import { writeFileSync } from 'node:fs';\nexport default async (ctx: { outputs: Record<string, { uri: string }> }) => { writeFileSync(ctx.outputs.features.uri + '/f.txt', 'v2'); };\n");
      const r3 = await runPipeline({ file });
      assert.equal(r3.steps['featurize']!.state, 'complete');
      const out = join(ws.root, '.mlpipe', 'artifacts', 'fn', 'featurize', 'features', String(r3.steps['featurize']!.executionId), 'f.txt');
      assert.equal(readFileSync(out, 'utf8'), 'v2');
    });

    it('skips a disabled component and everything that needs it', async () => {
      const file = ws.write('dis.pipeline.yaml', chain('dis').replace('  middle:\n    type: Command\n', '  middle:\n    type: Command\n    enabled: false\n'));
      const r = await runPipeline({ file });
      assert.equal(r.steps['ingest']!.state, 'complete');
      assert.equal(r.steps['middle']!.state, 'skipped');
      assert.equal(r.steps['last']!.state, 'skipped');
      assert.match(r.steps['last']!.reason!, /middle/);
    });

    it('runs independent steps in parallel up to the limit', async () => {
      const SLEEP = "setTimeout(() => require('fs').writeFileSync(process.argv[1]+'/t', String(Date.now())), 600)";
      const steps = ['a', 'b', 'c', 'd']
        .map((id) => `  ${id}:\n    type: Command\n    params: {command: ${nodeCommand(SLEEP, `{{outputs.o}}`)}}\n    outputs: {o: Examples}\n`)
        .join('');
      const file = ws.write('par.pipeline.yaml', `pipeline: par\ncomponents:\n${steps}`);
      const started = Date.now();
      const r = await runPipeline({ file, parallelism: 4, noCache: true });
      const wall = Date.now() - started;
      assert.equal(r.state, 'complete');
      const sum = Object.values(r.steps).reduce((s, x) => s + x.durationMs, 0);
      assert.ok(wall < sum * 0.75, `4 steps of ≥600 ms in parallel took ${wall} ms (sum of steps ${sum} ms)`);
    });
  });

  describe('resolver and human approval', () => {
    let ws: TempWorkspace;
    let file: string;
    const pipeline = (timeout = '') => `pipeline: gate
components:
  trainer:
    type: Command
    params: {command: ${nodeCommand(WRITE, '{{outputs.model}}', 'weights')}}
    outputs: {model: Model}
  previous:
    type: Resolver
    params: {strategy: latest_artifact}
  approval:
    type: HumanApproval
    inputs: {model: trainer.model}
    params: {instructions: Look at the slices${timeout}}
  pusher:
    type: Command
    inputs: {model: trainer.model, approval: approval.approval}
    params: {command: ${nodeCommand(APPEND, '{{inputs.model}}', '{{outputs.pushed}}', '!')}}
    outputs: {pushed: PushedModel}
`;
    before(() => {
      ws = tempWorkspace();
      file = ws.write('gate.pipeline.yaml', pipeline());
    });
    after(() => ws.dispose());

    it('a resolver resolves nothing on the first run and records no events', async () => {
      const r = await runPipeline({ file, scope: { to: 'previous' } });
      assert.equal(r.steps['previous']!.state, 'complete');
      const store = MetadataStore.open(ws.store, { readonly: true });
      try {
        assert.equal(store.execution(r.steps['previous']!.executionId!)!.outputs.length, 0);
      } finally {
        store.close();
      }
    });

    it('waits for a decision while the rest goes on, then approval lets the push run', async () => {
      const events: RunEvent[] = [];
      const running = runPipeline({ file, onEvent: (e) => events.push(e) });
      const waiting = await until(() => events.find((e) => e.kind === 'step-waiting'));
      assert.equal(waiting.kind, 'step-waiting');
      if (waiting.kind !== 'step-waiting') return;
      recordApproval(ws.store, { executionId: waiting.executionId, decision: 'approved', by: 'ada', comment: 'slices look fine' });
      const r = await running;
      assert.equal(r.state, 'complete');
      assert.equal(r.steps['approval']!.state, 'complete');
      assert.equal(r.steps['pusher']!.state, 'complete');
      const store = MetadataStore.open(ws.store, { readonly: true });
      try {
        const exec = store.execution(waiting.executionId)!;
        assert.equal(exec.state, 'COMPLETE');
        assert.equal(exec.customProperties['approved_by'], 'ada');
        const art = exec.outputs.find((o) => o.key === 'approval')!.artifact;
        assert.equal(art.type, 'Approval');
        assert.equal(art.customProperties['decision'], 'approved');
        assert.equal(art.customProperties['comment'], 'slices look fine');
      } finally {
        store.close();
      }
    });

    it('re-running with identical inputs reuses the decision through the cache', async () => {
      const r = await runPipeline({ file });
      assert.equal(r.steps['approval']!.state, 'cached');
      assert.equal(r.steps['pusher']!.state, 'cached');
    });

    it('latest_artifact now resolves the model of the earlier run', async () => {
      const r = await runPipeline({ file, scope: { step: 'previous' } });
      assert.match(r.steps['previous']!.reason!, /resolved Model/);
    });

    it('a rejection stops the steps after it, and says so', async () => {
      const events: RunEvent[] = [];
      const running = runPipeline({ file, noCache: true, onEvent: (e) => events.push(e) });
      const waiting = await until(() => events.find((e) => e.kind === 'step-waiting'));
      if (waiting.kind !== 'step-waiting') return;
      recordApproval(ws.store, { executionId: waiting.executionId, decision: 'rejected', by: 'bob', comment: 'island Biscoe regressed' });
      const r = await running;
      assert.equal(r.steps['approval']!.state, 'rejected');
      assert.equal(r.steps['pusher']!.state, 'skipped');
      assert.match(r.steps['pusher']!.reason!, /rejected by bob: island Biscoe regressed/);
    });

    it('a wait survives a restart: the next run joins the same waiting execution', async () => {
      const controller = new AbortController();
      const events: RunEvent[] = [];
      const first = runPipeline({ file, noCache: true, signal: controller.signal, onEvent: (e) => events.push(e) });
      const waiting = await until(() => events.find((e) => e.kind === 'step-waiting'));
      if (waiting.kind !== 'step-waiting') return;
      controller.abort();
      await first;
      const store = MetadataStore.open(ws.store, { readonly: true });
      try {
        assert.equal(store.execution(waiting.executionId)!.state, 'RUNNING');
        assert.ok(waitingApprovals(store).some((e) => e.id === waiting.executionId));
      } finally {
        store.close();
      }
      // The trainer re-runs (noCache), so a second run with the same cached trainer output joins the wait.
      const again = await runPipeline({ file, onApprovalWait: 'return' });
      assert.equal(again.steps['approval']!.state, 'waiting');
      assert.equal(again.steps['approval']!.executionId, waiting.executionId);
      recordApproval(ws.store, { executionId: waiting.executionId, decision: 'approved', by: 'cy' });
      const done = await runPipeline({ file });
      assert.equal(done.steps['approval']!.state, 'complete');
      assert.equal(done.steps['pusher']!.state, 'complete');
    });

    it('times out when nobody decides', async () => {
      const timed = ws.write('timed.pipeline.yaml', pipeline(', timeout: 0.5').replace('pipeline: gate', 'pipeline: gate2'));
      const r = await runPipeline({ file: timed });
      assert.equal(r.steps['approval']!.state, 'failed');
      assert.match(r.steps['approval']!.reason!, /no decision within 0.5 s/);
      assert.equal(r.steps['pusher']!.state, 'skipped');
    });

    it('a long wait leaves no abort listener behind per poll (no MaxListenersExceededWarning)', async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error): void => {
        warnings.push(`${w.name}: ${w.message}`);
      };
      process.on('warning', onWarning);
      try {
        // 5 s is a dozen polls: before the fix the 11th left-over listener made Node warn on the user's terminal.
        const long = ws.write('long.pipeline.yaml', pipeline(', timeout: 5').replace('pipeline: gate', 'pipeline: gate3'));
        const r = await runPipeline({ file: long });
        assert.equal(r.steps['approval']!.state, 'failed');
        await new Promise((done) => setTimeout(done, 50));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings.filter((w) => /MaxListeners/.test(w)), []);
    });
  });

  async function until<T>(probe: () => T | undefined, timeoutMs = 15000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  describe('approvals given while no run waits', () => {
    it('are recorded at the next run, and waits whose inputs no longer come are superseded', async () => {
      const ws = tempWorkspace();
      try {
        const gate = (weights: string) => `pipeline: late
components:
  trainer:
    type: Command
    params: {command: ${nodeCommand(WRITE, '{{outputs.model}}', weights)}}
    outputs: {model: Model}
  approval:
    type: HumanApproval
    inputs: {model: trainer.model}
`;
        const file = ws.write('late.pipeline.yaml', gate('w1'));
        const first = await runPipeline({ file, onApprovalWait: 'return' });
        const decided = first.steps['approval']!.executionId!;
        recordApproval(ws.store, { executionId: decided, decision: 'approved', by: 'ada' });
        // New weights: a new model, so a new decision is asked; the earlier one is still recorded.
        ws.write('late.pipeline.yaml', gate('w2'));
        const second = await runPipeline({ file, onApprovalWait: 'return' });
        assert.equal(second.steps['approval']!.state, 'waiting');
        const undecided = second.steps['approval']!.executionId!;
        ws.write('late.pipeline.yaml', gate('w3'));
        const third = await runPipeline({ file, onApprovalWait: 'return' });
        const store = MetadataStore.open(ws.store, { readonly: true });
        try {
          const a = store.execution(decided)!;
          assert.equal(a.state, 'COMPLETE');
          assert.equal(a.outputs[0]!.artifact.customProperties['decision'], 'approved');
          const b = store.execution(undecided)!;
          assert.equal(b.state, 'CANCELED');
          assert.match(b.error ?? '', new RegExp(`superseded by execution ${third.steps['approval']!.executionId}`));
          assert.deepEqual(waitingApprovals(store).map((e) => e.id), [third.steps['approval']!.executionId]);
        } finally {
          store.close();
        }
      } finally {
        ws.dispose();
      }
    });
  });
}

for (const backend of storeBackends()) {
  describe(`on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    after(() => backend.stop());
    suite(backend);
  });
}
