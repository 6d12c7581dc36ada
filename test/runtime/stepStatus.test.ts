// The state every view shows per step (runtime/orchestrator/stepStatus.ts), specified through runs of a
// Command pipeline with a HumanApproval gate, against a real SQLite metadata database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { loadPipelineFile } from '../../runtime/definition/load';
import { MetadataStore } from '../../runtime/metadata/store';
import { recordApproval } from '../../runtime/orchestrator/approval';
import type { RunEvent } from '../../runtime/orchestrator/events';
import { runPipeline } from '../../runtime/orchestrator/run';
import { readRunRecord } from '../../runtime/orchestrator/runRecord';
import { stepStatuses, type StepStatus } from '../../runtime/orchestrator/stepStatus';
import { nodeCommand, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const WRITE = "require('fs').writeFileSync(process.argv[1]+'/out.txt', process.argv[2] || 'x')";
const COPY = "const fs=require('fs'); fs.writeFileSync(process.argv[2]+'/out.txt', fs.readFileSync(process.argv[1]+'/out.txt','utf8'))";

function gate(weights: string): string {
  return `pipeline: gated
components:
  trainer:
    type: Command
    params: {command: ${nodeCommand(WRITE, '{{outputs.model}}', '{{params.weights}}')}, weights: "${weights}"}
    outputs: {model: Model}
  approval:
    type: HumanApproval
    inputs: {model: trainer.model}
  pusher:
    type: Command
    inputs: {model: trainer.model, approval: approval.approval}
    params: {command: ${nodeCommand(COPY, '{{inputs.model}}', '{{outputs.pushed}}')}}
    outputs: {pushed: PushedModel}
`;
}

describe('step status: what every view shows per step', () => {
  let ws: TempWorkspace;
  let file: string;
  before(() => {
    ws = tempWorkspace();
    file = ws.write('gated.pipeline.yaml', gate('w1'));
  });
  after(() => ws.dispose());

  async function statuses(): Promise<Record<string, StepStatus>> {
    const loaded = await loadPipelineFile(file, { trusted: true, catalog: registryCatalog });
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      return await stepStatuses(store, loaded.pipeline!, ws.root);
    } finally {
      store.close();
    }
  }

  async function runAndDecide(decision: 'approved' | 'rejected', comment: string) {
    const events: RunEvent[] = [];
    const running = runPipeline({ file, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 200 && !events.some((e) => e.kind === 'step-waiting'); i++) await new Promise((r) => setTimeout(r, 50));
    const waiting = events.find((e) => e.kind === 'step-waiting');
    assert.ok(waiting && waiting.kind === 'step-waiting');
    recordApproval(ws.db, { executionId: waiting.executionId, decision, by: 'ana', comment });
    return { result: await running, events };
  }

  it('a first approved run: complete everywhere, with the recorded durations in the events', async () => {
    const { result, events } = await runAndDecide('approved', 'slices fine');
    assert.equal(result.state, 'complete');
    const s = await statuses();
    assert.deepEqual(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.state])), { trainer: 'complete', approval: 'complete', pusher: 'complete' });
    assert.equal(s['approval']!.reason, 'approved by ana: slices fine');
    // The event's duration is the one MLMD recorded: the same number the trees read back.
    const finished = events.find((e) => e.kind === 'step-finished' && e.step === 'trainer');
    assert.ok(finished && finished.kind === 'step-finished');
    assert.equal(finished.durationMs, s['trainer']!.durationMs);
    assert.equal(s['trainer']!.stale, undefined);
  });

  it('a rejected approval is rejected, and the pusher after it is skipped, not the older run\'s complete', async () => {
    ws.write('gated.pipeline.yaml', gate('w2'));
    const { result } = await runAndDecide('rejected', 'island slice worse');
    assert.equal(result.state, 'rejected');
    const s = await statuses();
    assert.equal(s['approval']!.state, 'rejected');
    assert.equal(s['approval']!.reason, 'rejected by ana: island slice worse');
    assert.equal(s['pusher']!.state, 'skipped');
    assert.equal(s['pusher']!.reason, 'approval rejected by ana: island slice worse');
    assert.equal(s['pusher']!.executionId, undefined);
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      const run = store.listRuns({ pipeline: 'gated', limit: 1 }).items[0]!;
      const record = readRunRecord(run.customProperties);
      assert.equal(record.state, 'rejected');
      assert.deepEqual(record.scope, {});
      assert.deepEqual(record.steps, ['trainer', 'approval', 'pusher']);
    } finally {
      store.close();
    }
  });

  it('the same model again reuses the decision from the cache, and says so', async () => {
    const r = await runPipeline({ file });
    assert.equal(r.state, 'rejected');
    const s = await statuses();
    assert.equal(s['approval']!.state, 'rejected');
    assert.equal(s['approval']!.reusedDecision, true);
    assert.match(s['approval']!.reason!, /^rejected \(decision of \d{4}-\d\d-\d\d by ana, reused: same model and inputs\): island slice worse$/);
    assert.match(s['pusher']!.reason!, /^approval rejected \(decision of/);
  });

  it('edited params make the step stale, and everything downstream with the same reason', async () => {
    ws.write('gated.pipeline.yaml', gate('w3'));
    const s = await statuses();
    assert.equal(s['trainer']!.stale, "trainer's params changed (weights)");
    assert.equal(s['approval']!.stale, "trainer's params changed (weights)");
    // The pusher did not run in the latest run: it is skipped, which already says it will run.
    assert.equal(s['pusher']!.stale, undefined);
  });

  it('an upstream step re-run without cache makes its downstream stale: new inputs', async () => {
    ws.write('gated.pipeline.yaml', gate('w2'));
    const r = await runPipeline({ file, scope: { step: 'trainer' }, noCache: true });
    assert.equal(r.state, 'complete');
    const s = await statuses();
    assert.equal(s['trainer']!.stale, undefined);
    assert.equal(s['approval']!.stale, 'trainer has new model');
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      const record = readRunRecord(store.listRuns({ pipeline: 'gated', limit: 1 }).items[0]!.customProperties);
      assert.deepEqual(record.scope, { step: 'trainer', noCache: true });
      assert.equal(record.state, 'complete');
    } finally {
      store.close();
    }
  });
});
