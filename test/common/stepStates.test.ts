// common/stepStates.ts: one mapping from an ML Metadata execution to a step state, one wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NEVER_RUN_TEXT, STEP_STATE_TEXT, stepStateOf, type MlmdExecutionState } from '../../common/stepStates';
import { blessingVerdict, isBlessedValue } from '../../common/blessing';

describe('step states', () => {
  it('maps every MLMD execution state, a waiting approval included', () => {
    const expected: Record<MlmdExecutionState, string> = {
      UNKNOWN: 'pending',
      NEW: 'pending',
      RUNNING: 'running',
      COMPLETE: 'complete',
      FAILED: 'failed',
      CACHED: 'cached',
      CANCELED: 'canceled',
    };
    for (const [state, step] of Object.entries(expected)) assert.equal(stepStateOf({ state: state as MlmdExecutionState }), step, state);
    assert.equal(stepStateOf({ state: 'RUNNING', waiting: true }), 'waiting');
  });

  it('names every state, and a step with no execution, for people', () => {
    assert.equal(STEP_STATE_TEXT.waiting, 'waiting for approval');
    assert.equal(NEVER_RUN_TEXT, 'never run');
    assert.ok(Object.values(STEP_STATE_TEXT).every((t) => t.length > 0));
  });
});

describe('blessing', () => {
  it('counts the integer 1 and true only; strings, even "true", do not (as the SQL resolver)', () => {
    assert.equal(isBlessedValue(1), true);
    assert.equal(isBlessedValue(true), true);
    for (const v of [0, false, '1', 'true', 'BLESSED', null, undefined]) assert.equal(isBlessedValue(v), false, String(v));
    assert.equal(blessingVerdict({}), null);
    assert.equal(blessingVerdict({ blessed: 0 }), false);
    assert.equal(blessingVerdict({ blessed: 'true' }), false);
    assert.equal(blessingVerdict({ blessed: 1, current_model_id: 3 }), true);
  });
});
