// Components that are not data or model steps: Function (any code; Command is in command.ts), and the two nodes the
// orchestrator handles itself because they need the metadata store: Resolver and HumanApproval.
import { loadUserModule, moduleFingerprint } from './functionModule';
import { ComponentError, type ApprovalComponentSpec, type ExecutorComponentSpec, type ResolverComponentSpec } from './spec';

export const functionComponent: ExecutorComponentSpec = {
  type: 'Function',
  doc: 'Runs the default export of a TypeScript or JavaScript module: `export default async (ctx) => { … }`. `ctx` has `inputs`, `outputs` (folders to write), `params`, `log`. Runs only in trusted workspaces.',
  executionType: 'mlpipe.components.Function',
  baseType: 'mlmd.Process',
  kind: 'executor',
  declaredOutputs: true,
  anyInputs: true,
  inputs: {},
  outputs: {},
  params: {
    module: { type: 'path', required: true, mustExist: 'file', doc: 'The TS or JS file whose default export is `async (ctx) => void`, relative to the pipeline file.' },
    args: { type: 'object', doc: 'Free-form arguments, passed as `ctx.params.args`.' },
  },
  fingerprint: async ({ params, pipelineDir }) => moduleFingerprint(params['module'], pipelineDir),
  executor: async (ctx) => {
    const mod = await loadUserModule(String(ctx.params['module']), ctx);
    const fn = (mod['default'] ?? mod['run']) as unknown;
    if (typeof fn !== 'function') throw new ComponentError(`${String(ctx.params['module'])} has no default export function`, 'export default async (ctx) => { … }');
    await (fn as (c: typeof ctx) => Promise<unknown>)(ctx);
  },
};

export const resolverComponent: ResolverComponentSpec = {
  type: 'Resolver',
  doc: 'Finds artifacts from earlier runs in the metadata store. `latest_blessed_model` gives the newest Model that an Evaluator blessed (outputs `model`, `blessing`); `latest_artifact` gives the newest artifact of each declared output type (default `model: Model`). Nothing is resolved on the first run.',
  executionType: 'tfx.dsl.components.common.resolver.Resolver',
  kind: 'resolver',
  inputs: {},
  outputs: {
    model: { type: 'Model', doc: 'The resolved model.' },
    blessing: { type: 'ModelBlessing', doc: 'Its blessing (latest_blessed_model only).' },
  },
  params: {
    strategy: { type: 'string', required: true, enum: ['latest_blessed_model', 'latest_artifact'], doc: 'How to pick: `latest_blessed_model` (TFX LatestBlessedModelStrategy) or `latest_artifact` (LatestArtifactStrategy).' },
  },
};

export const humanApprovalComponent: ApprovalComponentSpec = {
  type: 'HumanApproval',
  doc: 'Pauses its branch until a person approves or rejects (`mlpipe approve <execution id> --approve|--reject --by <name>`, or the Approve button in VS Code). The decision, who, when and the comment are recorded in ML Metadata; a rejection stops the steps after it.',
  executionType: 'mlpipe.components.HumanApproval',
  kind: 'approval',
  inputs: {
    model: { type: 'Model', doc: 'The model to sign off.' },
    blessing: { type: 'ModelBlessing', doc: "The Evaluator's verdict.", optional: true },
    evaluation: { type: 'ModelEvaluation', doc: 'The evaluation to show the reviewer.', optional: true },
  },
  outputs: {
    approval: { type: 'Approval', doc: 'The decision: custom properties `decision` (approved|rejected), `approved_by`, `decided_at`, `comment`.' },
  },
  params: {
    instructions: { type: 'string', doc: 'What the reviewer should check.' },
    timeout: { type: 'number', doc: 'Seconds to wait before the step fails (default: wait forever).' },
  },
};

