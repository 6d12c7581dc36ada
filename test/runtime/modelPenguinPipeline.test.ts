// The penguin sample end to end through the orchestrator: three runs with nothing changed (TFX's
// expectations: run 2 re-evaluates against run 1's blessed model, run 3 is fully cached), then a change
// to the trainer's params re-runs only Trainer and what follows, compared with the previous blessed model.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import type { MetricsFile } from '../../runtime/components/evaluator.executor';
import { recordApproval } from '../../runtime/orchestrator/approval';
import type { RunResult } from '../../runtime/orchestrator/api';
import { runPipeline } from '../../runtime/orchestrator/run';
import { EXPECTED_BACKEND, REPO } from './modelFixtures';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const UPSTREAM = ['example_gen', 'statistics_gen', 'schema_gen', 'example_validator', 'transform'];

let ws: TempWorkspace;
let file: string;

async function run(decision: 'approved' | 'rejected' = 'approved'): Promise<RunResult> {
  return runPipeline({
    file,
    onEvent: (e) => {
      if (e.kind === 'step-waiting') recordApproval(ws.db, { executionId: e.executionId, decision, by: 'test', comment: 'checked the slices' });
    },
  });
}

function output(executionId: number | undefined, key: string): { id: number; uri: string; customProperties: Record<string, unknown> } {
  const store = MetadataStore.open(ws.db, { readonly: true });
  try {
    const exec = store.execution(executionId as number);
    const art = exec?.outputs.find((o) => o.key === key)?.artifact;
    if (!art) throw new Error(`execution ${executionId} has no output ${key}`);
    return { id: art.id, uri: art.uri, customProperties: art.customProperties };
  } finally {
    store.close();
  }
}

function metricsOf(r: RunResult): MetricsFile {
  return JSON.parse(fs.readFileSync(path.join(output(r.steps['evaluator']?.executionId, 'evaluation').uri, 'metrics.json'), 'utf8')) as MetricsFile;
}

function states(r: RunResult): Record<string, string> {
  return Object.fromEntries(Object.entries(r.steps).map(([k, v]) => [k, v.state]));
}

describe('the penguin sample through runPipeline', () => {
  const runs: RunResult[] = [];
  before(() => {
    ws = tempWorkspace();
    fs.cpSync(path.join(REPO, 'samples', 'penguin'), path.join(ws.root, 'penguin'), { recursive: true, filter: (src) => !src.includes(`${path.sep}serving`) });
    file = path.join(ws.root, 'penguin', 'penguin.pipeline.yaml');
  });
  after(() => ws.dispose());

  it('run 1 trains, blesses (accuracy >= 0.95, no baseline) and pushes', async () => {
    const r = await run();
    runs.push(r);
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    const m = metricsOf(r);
    assert.ok((m.candidate.overall['accuracy'] as number) >= 0.95, `accuracy ${m.candidate.overall['accuracy']}`);
    assert.equal(m.baseline, null);
    assert.deepEqual(m.candidate.slices.map((s) => Object.keys(s.slice).join()).filter((k, i, a) => a.indexOf(k) === i), ['', 'Island', 'Sex']);
    const pushed = output(r.steps['pusher']?.executionId, 'pushed_model');
    assert.equal(pushed.customProperties['pushed'], 1);
    assert.equal(path.dirname(String(pushed.customProperties['pushed_destination'])), path.join(ws.root, 'penguin', 'serving', 'penguin'));
    assert.equal(output(r.steps['trainer']?.executionId, 'model').customProperties['backend'], EXPECTED_BACKEND);
  });

  it('run 2 re-executes Evaluator and what follows, against run 1’s model as baseline', async () => {
    const r = await run();
    runs.push(r);
    const s = states(r);
    for (const step of [...UPSTREAM, 'trainer']) assert.equal(s[step], 'cached', step);
    for (const step of ['evaluator', 'approval', 'pusher']) assert.equal(s[step], 'complete', step);
    const m = metricsOf(r);
    const firstModel = output(runs[0]?.steps['trainer']?.executionId, 'model');
    assert.equal(m.baseline?.model_id, firstModel.id);
    assert.deepEqual(m.baseline?.overall, m.candidate.overall, 'same model, same metrics');
    assert.equal(output(r.steps['evaluator']?.executionId, 'blessing').customProperties['baseline_model_id'], firstModel.id);
  });

  it('run 3 is fully cached', async () => {
    const r = await run();
    assert.ok(Object.values(states(r)).every((s) => s === 'cached' || s === 'complete'));
    for (const [step, state] of Object.entries(states(r))) if (step !== 'latest_blessed') assert.equal(state, 'cached', step);
  });

  it('after a trainer param change only Trainer and what follows re-run, compared with the previous blessed model', async () => {
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('epochs: 40', 'epochs: 30'));
    const r = await run('rejected');
    const s = states(r);
    for (const step of UPSTREAM) assert.equal(s[step], 'cached', step);
    assert.equal(s['trainer'], 'complete');
    assert.equal(s['evaluator'], 'complete');
    const m = metricsOf(r);
    assert.equal(m.baseline?.model_id, output(runs[0]?.steps['trainer']?.executionId, 'model').id);
    assert.notEqual(m.candidate.model_id, m.baseline?.model_id);
    // The reviewer rejected it: nothing new reaches serving/.
    assert.notEqual(s['pusher'], 'complete');
    assert.equal(fs.readdirSync(path.join(ws.root, 'penguin', 'serving', 'penguin')).length, 2);
  });
});
