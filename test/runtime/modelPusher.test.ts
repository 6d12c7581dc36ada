// Pusher: only blessed (and approved, when wired) models go out, atomically, one version folder per push.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { InputArtifact } from '../../runtime/components/spec';
import { loadModel, predict, disposeModel } from '../../runtime/model/predict';
import { nextVersion, runPusher } from '../../runtime/components/pusher.executor';
import { artifact, context, handModel, tempDir } from './modelFixtures';

let root: string;
let model: InputArtifact;

function blessing(blessed: 0 | 1 | undefined): InputArtifact {
  const uri = path.join(root, `blessing-${blessed}`);
  fs.mkdirSync(uri, { recursive: true });
  return artifact('ModelBlessing', uri, blessed === undefined ? { current_model_id: model.id } : { blessed, current_model_id: model.id });
}

function approval(decision: 'approved' | 'rejected', comment = ''): InputArtifact {
  return artifact('Approval', path.join(root, `approval-${decision}`), { decision, approved_by: 'ana', comment });
}

async function push(inputs: Record<string, InputArtifact[]>) {
  const ctx = context(root, { componentId: 'pusher', params: { destination: 'serving/model' }, inputs: { model: [model], ...inputs }, outputs: { pushed_model: 'PushedModel' } });
  await runPusher(ctx);
  return { ctx, out: ctx.outputs['pushed_model']!, destination: path.join(root, 'serving', 'model') };
}

const listing = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('Pusher', () => {
  before(async () => {
    root = tempDir('pusher');
    model = await handModel(root, 'model', { task: 'classification', slope: 1 });
  });

  it('refuses an unblessed model and says why', async () => {
    const { ctx, out, destination } = await push({ model_blessing: [blessing(0)] });
    assert.equal(out.customProperties['pushed'], 0);
    assert.match(String(out.customProperties['pushed_reason']), /not blessed/);
    assert.ok(ctx.lines.some((l) => l.startsWith('not pushed: model not blessed')));
    assert.deepEqual(listing(destination), []);
  });

  it('refuses a model that was never validated', async () => {
    const { out } = await push({ model_blessing: [blessing(undefined)] });
    assert.equal(out.customProperties['pushed'], 0);
    assert.match(String(out.customProperties['pushed_reason']), /not validated/);
  });

  it('refuses a blessed model that a person rejected', async () => {
    const { out, destination } = await push({ model_blessing: [blessing(1)], approval: [approval('rejected', 'Dream slice too small')] });
    assert.equal(out.customProperties['pushed'], 0);
    assert.equal(out.customProperties['pushed_reason'], 'model rejected by ana: Dream slice too small');
    assert.deepEqual(listing(destination), []);
  });

  it('pushes a blessed, approved model atomically into a new version folder', async () => {
    const first = await push({ model_blessing: [blessing(1)], approval: [approval('approved')] });
    const second = await push({ model_blessing: [blessing(1)] });
    for (const { out } of [first, second]) assert.equal(out.customProperties['pushed'], 1);
    const versions = listing(first.destination);
    assert.equal(versions.length, 2, `two versions, no temp folders left: ${versions.join(', ')}`);
    assert.ok(versions.every((v) => /^\d+$/.test(v)));
    assert.deepEqual(versions, [first.out.customProperties['pushed_version'], second.out.customProperties['pushed_version']].map(String).sort());
    const target = String(first.out.customProperties['pushed_destination']);
    assert.equal(path.dirname(target), first.destination);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(Number(first.out.customProperties['pushed_version']) - now) < 60);
    // The pushed folder is a working model on its own, and the PushedModel artifact holds a copy.
    const served = await loadModel(target);
    const p = predict(served, [{ x: 2 }, { x: -2 }]);
    assert.deepEqual(p.map((x) => (x.kind === 'classification' ? x.label : x.value)), ['b', 'a']);
    disposeModel(served);
    assert.ok(fs.existsSync(path.join(first.out.uri, 'model.json')));
  });

  it('never reuses an existing version folder', () => {
    const dir = path.join(root, 'versions');
    const now = 1_700_000_000_000;
    fs.mkdirSync(path.join(dir, '1700000000'), { recursive: true });
    fs.mkdirSync(path.join(dir, '1700000001'), { recursive: true });
    assert.equal(nextVersion(dir, now), 1_700_000_002);
  });
});
