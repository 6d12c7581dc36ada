// Every scope of a run resolves its baselines as the whole pipeline would: a Resolver outside the asked
// scope that a step in it reads joins the run (plan.ts), so "run from transform" or "run step evaluator"
// compare with the model blessed since, not with what the Resolver answered in an older run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { planRun } from '../../runtime/orchestrator/plan';
import { loadForRun, runPipeline } from '../../runtime/orchestrator/run';
import { nodeCommand, repoRoot, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const WRITE = "require('fs').writeFileSync(process.argv[1]+'/out.txt', process.argv[2])";

// `latest` resolves the newest Model of the pipeline; `compare` reads it (as an Evaluator its baseline).
const PIPELINE = `pipeline: scoped
components:
  latest:
    type: Resolver
    params: {strategy: latest_artifact}
    outputs: {model: Model}
  train:
    type: Command
    params:
      command: ${nodeCommand(WRITE, '{{outputs.model}}', '{{params.seed}}')}
      seed: "a"
    outputs: {model: Model}
  compare:
    type: Command
    inputs: {baseline: latest.model}
    params:
      command: ${nodeCommand(WRITE, '{{outputs.report}}', 'compared')}
    outputs: {report: ModelEvaluation}
`;

describe('run scopes and the system nodes they read', () => {
  let ws: TempWorkspace;
  let file: string;
  before(() => {
    ws = tempWorkspace();
    file = ws.write('scoped.pipeline.yaml', PIPELINE);
  });
  after(() => ws.dispose());

  function baselineOf(executionId: number | undefined): number[] {
    const store = MetadataStore.open(ws.db);
    try {
      const detail = store.execution(executionId ?? -1);
      assert.ok(detail, `execution ${executionId} is recorded`);
      return detail.inputs.filter((i) => i.key === 'baseline').map((i) => i.artifact.id);
    } finally {
      store.close();
    }
  }

  it('plans the Resolvers a scope reads, and no executor or approval outside it (penguin sample)', async () => {
    const penguin = await loadForRun(join(repoRoot, 'samples', 'penguin', 'penguin.pipeline.yaml'), true);
    const from = planRun(penguin, { from: 'transform' });
    assert.deepEqual(from.steps, ['transform', 'trainer', 'latest_blessed', 'evaluator', 'approval', 'pusher']);
    assert.deepEqual([...from.pulledIn], ['latest_blessed']);
    assert.deepEqual(planRun(penguin, { step: 'evaluator' }).steps, ['latest_blessed', 'evaluator']);
    assert.deepEqual(planRun(penguin, { from: 'trainer', to: 'evaluator' }).steps, ['trainer', 'latest_blessed', 'evaluator']);
    // Nothing in the scope reads the Resolver: it stays out.
    assert.deepEqual(planRun(penguin, { to: 'trainer' }).pulledIn.size, 0);
    // A decision is about one model: a scope after the approval keeps the latest decision.
    assert.deepEqual(planRun(penguin, { step: 'pusher' }).steps, ['pusher']);
    // The whole pipeline is unchanged.
    assert.equal(planRun(penguin).steps.length, penguin.components.length);
  });

  it('a scoped run re-runs the Resolver it reads, which finds the model of the earlier run', async () => {
    const first = await runPipeline({ file });
    assert.equal(first.state, 'complete');
    assert.deepEqual(baselineOf(first.steps['compare']!.executionId), [], 'nothing to resolve on the first run');
    const model = (): number => {
      const store = MetadataStore.open(ws.db);
      try {
        return store.latestNodeOutputs('scoped', 'train')!['model']![0]!.id;
      } finally {
        store.close();
      }
    };
    // The bug this fixes: `--step compare` read the first run's Resolver output (nothing, first run).
    const step = await runPipeline({ file, scope: { step: 'compare' }, noCache: true });
    assert.deepEqual(Object.keys(step.steps), ['latest', 'compare']);
    assert.equal(step.steps['latest']!.state, 'complete');
    assert.match(step.steps['latest']!.reason ?? '', new RegExp(`resolved Model ${model()}\\b`));
    assert.deepEqual(baselineOf(step.steps['compare']!.executionId), [model()]);

    // A newer model (a scope that does not read the Resolver leaves it alone) is what the next scope finds.
    const to = await runPipeline({ file, scope: { to: 'train' }, noCache: true });
    assert.deepEqual(Object.keys(to.steps), ['train']);
    const from = await runPipeline({ file, scope: { from: 'compare' }, noCache: true });
    assert.deepEqual(Object.keys(from.steps), ['latest', 'compare']);
    assert.deepEqual(baselineOf(from.steps['compare']!.executionId), [model()]);
  });

  it('a step that joins a run (--run-id) reads the Resolver that already ran in it', async () => {
    const runId = 'joined-run-1';
    const resolver = await runPipeline({ file, scope: { step: 'latest' }, runId });
    const resolved = resolver.steps['latest']!.executionId;
    const compare = await runPipeline({ file, scope: { step: 'compare' }, runId, noCache: true });
    assert.deepEqual(Object.keys(compare.steps), ['compare']);
    const store = MetadataStore.open(ws.db);
    try {
      const resolvedModel = store.execution(resolved!)!.outputs.find((o) => o.key === 'model')!.artifact.id;
      assert.deepEqual(baselineOf(compare.steps['compare']!.executionId), [resolvedModel]);
    } finally {
      store.close();
    }
  });
});
