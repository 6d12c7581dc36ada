// The Problems entry of a failed step: one line, the cause first, whatever the reason looks like.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureCause } from '../../extension/model/stepFailure';

describe('failureCause', () => {
  it('keeps the first line of a multi-line reason (a run_fn traceback stays in the log)', () => {
    const reason = 'trainer.py:12: run_fn raised ValueError: no rows\nTraceback (most recent call last):\n  File "trainer.py", line 12';
    assert.equal(failureCause('trainer', reason), 'trainer failed: trainer.py:12: run_fn raised ValueError: no rows');
  });
  it("gives a command's last output line when the first line only announces it", () => {
    const reason = 'node exited with code 3; last output:\nreading input.csv\nError: input.csv has no header row';
    assert.equal(failureCause('prepare', reason), 'prepare failed: node exited with code 3; last output: Error: input.csv has no header row');
  });
  it('says so when there is no reason, and cuts a very long one', () => {
    assert.match(failureCause('pusher', undefined), /^pusher failed: failed \(no reason was recorded; see the step log\)$/);
    assert.match(failureCause('pusher', '\n\n  \n'), /no reason was recorded/);
    const long = failureCause('x', 'a'.repeat(1000));
    assert.equal(long.length, 300);
    assert.ok(long.endsWith('…'));
  });
});
