// What the Runs view and the progress UI say about a run (extension/model/runView.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../runtime/metadata/types';
import { onlyWaiting, progressCounts, progressMessage, runDescription, runOutcome, scopeText } from '../../extension/model/runView';

const run = (state: RunSummary['state'], executionCount = 3): RunSummary => ({
  id: 1,
  name: 'r',
  pipeline: 'p',
  style: 'ir',
  createTime: 1000,
  updateTime: 4200,
  state,
  executionCount,
  customProperties: {},
});

describe('run view', () => {
  it('names the scope', () => {
    assert.equal(scopeText({}), 'whole pipeline');
    assert.equal(scopeText({ step: 'trainer' }), 'step trainer');
    assert.equal(scopeText({ from: 'transform' }), 'from transform');
    assert.equal(scopeText({ to: 'trainer' }), 'up to trainer');
    assert.equal(scopeText({ step: 'trainer', noCache: true }), 'step trainer, without cache');
    assert.equal(scopeText({ joined: true }, ['a', 'b']), 'steps run by separate processes (2)');
    assert.equal(scopeText(undefined), 'scope not recorded');
  });

  it('gives the real outcome: a run with a rejected approval is rejected though its executions are COMPLETE', () => {
    assert.equal(runOutcome(run('COMPLETE'), { state: 'rejected' }), 'rejected');
    assert.equal(runOutcome(run('WAITING'), { state: undefined }), 'waiting');
    assert.equal(runOutcome(run('RUNNING'), { state: undefined }), 'running');
    // A run that returned while waiting and was decided later: its executions tell.
    assert.equal(runOutcome(run('COMPLETE'), { state: 'waiting' }), 'complete');
    assert.equal(runOutcome(run('FAILED'), {}), 'failed');
    assert.equal(runDescription(run('COMPLETE'), { scope: { step: 'trainer' }, state: 'rejected', skipped: {} }), 'step trainer · rejected · 3 executions · 3.2 s');
  });

  it('counts steps one way for the notification, the status bar and the tree', () => {
    const c = progressCounts(['a', 'b', 'c', 'd'], { a: 'complete', b: 'cached', c: 'waiting' });
    assert.deepEqual(c, { ended: 2, total: 4, running: [], waiting: ['c'] });
    assert.equal(progressMessage(c), '2/4 steps — waiting for approval at c');
    assert.equal(onlyWaiting(c), true);
    assert.equal(runDescription(run('WAITING'), { scope: {}, skipped: {} }, c), 'whole pipeline · waiting for approval · 2/4 steps · 3.2 s');
    assert.equal(onlyWaiting(progressCounts(['a', 'c'], { a: 'running', c: 'waiting' })), false);
  });
});
