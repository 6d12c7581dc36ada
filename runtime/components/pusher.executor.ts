// Pusher executor: copies a blessed (and, when an approval is wired, approved) model to
// `<destination>/<unix seconds>/` atomically: a hidden temp sibling is filled, then renamed into place,
// so a serving process watching the folder never sees half a model.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blessingVerdict } from '../../common/blessing';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';
import type { PropertyValue } from '../../common/artifacts';
import { stringParam } from '../model/paramReading';
import { writePushManifest } from '../model/modelManifest';
import { modelFolder } from '../model/servingModel';

/** Why not to push, or undefined when the model may go out. */
export function pushRefusal(blessing: InputArtifact, approval: InputArtifact | undefined): string | undefined {
  const verdict = blessingVerdict(blessing.customProperties);
  if (verdict !== true) {
    return verdict === null
      ? `blessing ${blessing.id} was not validated (the Evaluator has no thresholds)`
      : `model not blessed (blessing ${blessing.id} is NOT_BLESSED)`;
  }
  if (approval) {
    const decision = approval.customProperties['decision'];
    const by = approval.customProperties['approved_by'];
    const comment = approval.customProperties['comment'];
    if (decision !== 'approved') {
      return `model ${decision === 'rejected' ? 'rejected' : `not approved (decision ${JSON.stringify(decision ?? null)})`}${typeof by === 'string' && by ? ` by ${by}` : ''}${typeof comment === 'string' && comment ? `: ${comment}` : ''}`;
    }
  }
  return undefined;
}

/** A version folder name that does not exist yet: unix seconds, bumped past any collision. */
export function nextVersion(destination: string, now = Date.now()): number {
  let version = Math.floor(now / 1000);
  while (fs.existsSync(path.join(destination, String(version)))) version++;
  return version;
}

export async function runPusher(ctx: ExecutorContext): Promise<ExecutorResult> {
  const model = (ctx.inputs['model'] ?? [])[0];
  const blessing = (ctx.inputs['model_blessing'] ?? [])[0];
  const approval = (ctx.inputs['approval'] ?? [])[0];
  const out = ctx.outputs['pushed_model'];
  if (!out) throw new Error('Pusher has no "pushed_model" output');
  if (!model) throw new ComponentError('input "model" is required');
  if (!blessing) throw new ComponentError('input "model_blessing" is required', 'Wire the Evaluator’s blessing: model_blessing: evaluator.blessing');
  const destinationParam = stringParam(ctx.params, 'destination');
  const destination = path.resolve(ctx.pipelineDir, destinationParam);

  const refusal = pushRefusal(blessing, approval);
  if (refusal) {
    ctx.log(`not pushed: ${refusal}`);
    out.customProperties['pushed'] = 0;
    out.customProperties['pushed_reason'] = refusal;
    return { executionProperties: { pushed: 0 } };
  }

  const source = modelFolder(model.uri);
  if (!fs.existsSync(source)) throw new ComponentError(`model ${model.id} has no files at ${source}`, 'Re-run the Trainer.');
  try {
    fs.mkdirSync(destination, { recursive: true });
  } catch (err) {
    throw new ComponentError(`cannot create the push destination ${destination}: ${err instanceof Error ? err.message : String(err)}`, 'Fix params.destination (relative to the pipeline file).');
  }
  if (ctx.signal.aborted) throw new ComponentError('push cancelled');
  const version = nextVersion(destination);
  const staging = path.join(destination, `.tmp-${version}-${randomBytes(4).toString('hex')}`);
  const target = path.join(destination, String(version));
  try {
    fs.cpSync(source, staging, { recursive: true });
    // Self-describing: format, signature and how to call it, whatever framework trained it.
    const manifest = writePushManifest(staging, { modelId: model.id, version: String(version) });
    if (manifest) out.customProperties['format'] = manifest.format;
    fs.renameSync(staging, target);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new ComponentError(`push to ${target} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Like TFX, the PushedModel artifact holds its own copy of what was pushed.
  fs.cpSync(target, out.uri, { recursive: true });
  out.customProperties['pushed'] = 1;
  out.customProperties['pushed_destination'] = target;
  out.customProperties['pushed_version'] = String(version);
  ctx.log(`pushed model ${model.id} to ${target}`);
  return { executionProperties: { pushed: 1 } };
}
