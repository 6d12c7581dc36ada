// Pusher: deploys a blessed (and approved) model to a folder, one version per push.
import type * as PushExecutor from './pusher.executor';
import type { ExecutorComponentSpec } from './spec';

export const pusherSpec: ExecutorComponentSpec = {
  type: 'Pusher',
  doc: 'Copies the model to `<destination>/<unix seconds>/` atomically when the Evaluator blessed it and, if an approval is wired, a person approved it. Otherwise records pushed=0 and why.',
  executionType: 'tfx.components.pusher.component.Pusher',
  baseType: 'mlmd.Deploy',
  kind: 'executor',
  inputs: {
    model: { type: 'Model', doc: 'The model to push.' },
    model_blessing: { type: 'ModelBlessing', doc: 'The Evaluator’s blessing; only `blessed = 1` pushes.' },
    approval: { type: 'Approval', doc: 'A HumanApproval decision; only `approved` pushes.', optional: true },
  },
  outputs: {
    pushed_model: { type: 'PushedModel', doc: 'A copy of the pushed model; custom properties pushed (1/0), pushed_destination, pushed_version.' },
  },
  params: {
    destination: { type: 'string', required: true, doc: 'Folder receiving one `<version>/` sub-folder per push, relative to the pipeline file (e.g. serving/penguin).' },
  },
  // Loaded on first use, like the other model components (predict.ts pulls in TF.js).
  executor: async (ctx) => (require('./pusher.executor') as typeof PushExecutor).runPusher(ctx),
};
