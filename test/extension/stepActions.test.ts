// Which actions a step offers, from its output types and state (extension/model/stepActions.ts): one
// answer for the tree's menus, the DAG's node menu and CodeLens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { componentContextValue, factsOf, stepActions } from '../../extension/model/stepActions';
import type { StepView } from '../../extension/model/stepView';

const ran: StepView = { state: 'complete', executionId: 3, live: false };
const comp = (type: string, inputs: Record<string, Array<{ component: string; output: string }>> = {}, outputs: Record<string, string> = {}) => ({ type, inputs, outputs });

describe('step actions', () => {
  it('offers Show Statistics only on steps with statistics or examples outputs that ran', () => {
    const views = { gen: ran, stats: ran, trainer: ran };
    assert.ok(stepActions(factsOf(comp('StatisticsGen')), ran, views).includes('show-statistics'));
    assert.ok(stepActions(factsOf(comp('CsvExampleGen')), ran, views).includes('show-statistics'));
    assert.ok(!stepActions(factsOf(comp('Trainer')), ran, views).includes('show-statistics'));
    assert.ok(!stepActions(factsOf(comp('StatisticsGen')), undefined, views).includes('show-statistics'));
  });

  it('offers Show Evaluation on an Evaluator, Approve on a waiting approval, Ask again on a reused decision', () => {
    assert.ok(stepActions(factsOf(comp('Evaluator')), ran, {}).includes('show-evaluation'));
    assert.ok(!stepActions(factsOf(comp('Trainer')), ran, {}).includes('show-evaluation'));
    assert.ok(stepActions(factsOf(comp('HumanApproval')), { state: 'waiting', executionId: 4, live: true }, {}).includes('approve'));
    const reused: StepView = { state: 'rejected', executionId: 5, live: false, reusedDecision: true };
    const a = stepActions(factsOf(comp('HumanApproval')), reused, {});
    assert.ok(a.includes('ask-again'));
    assert.ok(!a.includes('open-log'), 'an approval writes no log');
  });

  it('offers Open in Data Grid on steps with Examples or an evaluation (predictions.parquet) that ran', () => {
    for (const type of ['CsvExampleGen', 'Transform', 'Evaluator']) assert.ok(stepActions(factsOf(comp(type)), ran, {}).includes('open-data-grid'), type);
    for (const type of ['StatisticsGen', 'Trainer', 'SchemaGen', 'Pusher']) assert.ok(!stepActions(factsOf(comp(type)), ran, {}).includes('open-data-grid'), type);
    assert.ok(!stepActions(factsOf(comp('CsvExampleGen')), undefined, {}).includes('open-data-grid'), 'not before it ran');
    assert.ok(stepActions(factsOf(comp('Command', {}, { rows: 'Examples' })), ran, {}).includes('open-data-grid'), 'a declared Examples output');
  });

  it('offers Run step only when the upstream steps have run, and no log for cached executions', () => {
    const trainer = comp('Trainer', { examples: [{ component: 'transform', output: 'transformed_examples' }] });
    assert.ok(!stepActions(factsOf(trainer), undefined, {}).includes('run-step'));
    assert.ok(stepActions(factsOf(trainer), undefined, { transform: ran }).includes('run-step'));
    assert.ok(!stepActions(factsOf(comp('Trainer')), { state: 'cached', executionId: 2, live: false }, {}).includes('open-log'));
  });

  it('a declared output counts like a standard one, and the context value lists the actions', () => {
    const cmd = comp('Command', {}, { stats: 'ExampleStatistics' });
    const actions = stepActions(factsOf(cmd), ran, {});
    assert.ok(actions.includes('show-statistics'));
    assert.equal(componentContextValue(['run-step', 'show-statistics']), 'mlpipe.component.run-step.show-statistics');
    assert.match(componentContextValue(actions), /^mlpipe\.component\b.*\.show-statistics\b/);
    assert.doesNotMatch(componentContextValue(stepActions(factsOf(comp('Trainer')), ran, {})), /\.show-statistics\b/);
  });
});
