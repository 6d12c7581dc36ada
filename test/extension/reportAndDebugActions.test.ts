// Where "Show Report" and "Debug Step" are offered (extension/model/stepActions.ts, debugTarget.ts), and how a
// Python step's interpreter is started under debugpy when Debug Step asks for it (common/debugStep.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEBUGPY_CONNECT_ENV, DEBUGPY_PATH_ENV, underDebugpy } from '../../common/debugStep';
import { reportFileIn } from '../../common/artifacts';
import { debugKindOf } from '../../extension/model/debugTarget';
import { factsOf, stepActions } from '../../extension/model/stepActions';
import type { StepView } from '../../extension/model/stepView';

const ran: StepView = { state: 'complete', executionId: 3, live: false };
const step = (type: string, params: Record<string, unknown>, outputs: Record<string, string> = {}) => ({ type, params: params as never, inputs: {}, outputs });

describe('report and debug actions', () => {
  it('offers Show Report on a step that declared a Report output and ran', () => {
    const f = factsOf(step('Command', { command: ['node', 'r.js'] }, { summary: 'Report' }));
    assert.ok(stepActions(f, ran, {}).includes('show-report'));
    assert.ok(!stepActions(f, undefined, {}).includes('show-report'));
    assert.ok(!stepActions(factsOf(step('Command', { command: ['node'] }, { data: 'Examples' })), ran, {}).includes('show-report'));
  });

  it('offers Debug Step on steps whose code is the user’s, with the debugger that fits', () => {
    assert.equal(debugKindOf(step('Function', { module: 'fn.ts' })), 'node');
    assert.equal(debugKindOf(step('Trainer', { module: 'trainer.ts' })), 'node');
    assert.equal(debugKindOf(step('Trainer', { module: 'train.py' })), 'python');
    assert.equal(debugKindOf(step('Trainer', {})), undefined);
    assert.equal(debugKindOf(step('Command', { command: ['/usr/bin/python3.11', 'train.py'] })), 'python');
    assert.equal(debugKindOf(step('Command', { command: ['python', 'train.py'] })), 'python');
    assert.equal(debugKindOf(step('Command', { command: ['node', 'x.js'] })), undefined);
    assert.equal(debugKindOf(step('Command', { command: ['pythonista'] })), undefined);
    assert.equal(debugKindOf(step('StatisticsGen', {})), undefined);
    assert.ok(stepActions(factsOf(step('Function', { module: 'fn.ts' })), undefined, {}).includes('debug-step'));
    assert.ok(!stepActions(factsOf(step('StatisticsGen', {})), ran, {}).includes('debug-step'));
  });

  it('starts a Python step under debugpy --connect only when Debug Step asked, and not its children', () => {
    const plain = underDebugpy(['train.py', '--out', 'x'], { PATH: '/bin' }, ':');
    assert.deepEqual(plain.args, ['train.py', '--out', 'x']);
    const debugged = underDebugpy(['-u', 'bridge.py'], { PATH: '/bin', PYTHONPATH: '/mine', [DEBUGPY_CONNECT_ENV]: '127.0.0.1:5678', [DEBUGPY_PATH_ENV]: '/ext/bundled/libs' }, ':');
    assert.deepEqual(debugged.args, ['-m', 'debugpy', '--connect', '127.0.0.1:5678', '--wait-for-client', '-u', 'bridge.py']);
    assert.equal(debugged.env['PYTHONPATH'], '/ext/bundled/libs:/mine');
    assert.equal(debugged.env[DEBUGPY_CONNECT_ENV], undefined);
  });

  it('picks the report file of a folder in the documented order', () => {
    assert.deepEqual(reportFileIn(['report.vl.json', 'report.html', 'x.png']), { format: 'html', file: 'report.html' });
    assert.deepEqual(reportFileIn(['report.md', 'report.html']), { format: 'markdown', file: 'report.md' });
    assert.equal(reportFileIn(['README.md']), undefined);
  });
});
