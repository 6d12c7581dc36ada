// The host's one reduction of step states and their words (extension/model/stepView.ts): stored states
// from the runtime, overlaid with a live run's events; labels for rejected, skipped, reused and stale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../runtime/orchestrator/events';
import { overlay, reduceLive, stepDetail, stepLabel, storedViews, type StepViews } from '../../extension/model/stepView';

describe('step views', () => {
  const stored = storedViews({
    trainer: { state: 'complete', executionId: 4, durationMs: 311, runId: 'r1' },
    approval: { state: 'rejected', executionId: 5, durationMs: 40, reason: 'rejected by ana: island slice worse', runId: 'r1' },
    pusher: { state: 'skipped', reason: 'approval rejected by ana: island slice worse', runId: 'r1' },
  });

  it('labels a rejected approval and the step it stops in the issue\'s words', () => {
    assert.equal(stepLabel(stored['approval']), 'rejected by ana: island slice worse · 40 ms');
    assert.equal(stepLabel(stored['pusher']), 'skipped: approval rejected by ana: island slice worse');
    assert.equal(stepLabel(stored['trainer']), 'complete · 311 ms');
    assert.equal(stepLabel(undefined), 'never run');
  });

  it('says a decision was reused, and how to ask again', () => {
    const v = { state: 'rejected' as const, live: false, reusedDecision: true, executionId: 9, reason: 'rejected (decision of 2026-12-01 by ana, reused: same model and inputs)' };
    assert.equal(stepLabel(v), 'rejected (decision of 2026-12-01 by ana, reused: same model and inputs)');
    assert.match(stepDetail('approval', v), /without cache to ask for a decision again/);
  });

  it('marks stale steps with the reason', () => {
    assert.equal(stepLabel({ ...stored['trainer']!, stale: "trainer's params changed (epochs)" }), "complete · 311 ms · will re-run: trainer's params changed (epochs)");
  });

  it('overlays a live run: its steps are pending, then follow the events; the others keep their stored state', () => {
    const events: RunEvent[] = [
      { kind: 'run-started', runId: 'r2', pipeline: 'p', file: '/p.yaml', steps: ['approval', 'pusher'], time: 0 },
      { kind: 'step-started', runId: 'r2', step: 'approval', executionId: 7, time: 1 },
      { kind: 'step-waiting', runId: 'r2', step: 'approval', executionId: 7, time: 2 },
    ];
    let live: StepViews = {};
    for (const e of events) live = reduceLive(live, e);
    const shown = overlay(stored, live);
    assert.equal(shown['trainer']!.state, 'complete');
    assert.equal(shown['approval']!.state, 'waiting');
    assert.equal(shown['pusher']!.state, 'pending');
    live = reduceLive(live, { kind: 'step-finished', runId: 'r2', step: 'approval', executionId: 7, state: 'complete', durationMs: 1200, reason: 'approved by bo', time: 3 });
    assert.equal(stepLabel(overlay(stored, live)['approval']), 'approved by bo · 1.2 s');
  });
});
