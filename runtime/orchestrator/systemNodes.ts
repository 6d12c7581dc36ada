// Nodes the orchestrator runs itself instead of through an executor, because they work on the metadata
// store: one handler per spec kind, after TFX's _SYSTEM_NODE_HANDLERS (launcher.py) and
// system_node_handler.py. A new kind of system node (the Importer) is a new entry in this table; the
// compiler asks for it as soon as the kind joins ComponentSpec.
import type { SystemNodeKind } from '../components/spec';
import type { ArtifactSummary } from '../metadata/types';
import { waitForApproval } from './approval';
import { registerStepExecution } from './driver';
import { latestArtifact, latestBlessedModel } from './resolverStrategies';
import { elapsed, idsByKey, type StepContext, type StepOutcome } from './step';

export interface SystemNodeHandler {
  run(step: StepContext): Promise<StepOutcome>;
}

/** Resolver: the newest matching artifacts of earlier runs, published as this execution's outputs. */
const resolverHandler: SystemNodeHandler = {
  async run(step) {
    const { store, component } = step;
    const pipeline = step.pipeline.name;
    const executionId = registerStepExecution(step, {});
    const resolved: Record<string, ArtifactSummary[]> = {};
    const strategy = component.params['strategy'];
    if (strategy === 'latest_blessed_model') {
      const found = latestBlessedModel(store, pipeline);
      if (found) {
        resolved['model'] = [found.model];
        resolved['blessing'] = [found.blessing];
      }
    } else {
      const wanted = Object.keys(component.outputs).length ? component.outputs : { model: 'Model' };
      for (const [key, type] of Object.entries(wanted)) {
        const a = latestArtifact(store, pipeline, type);
        if (a) resolved[key] = [a];
      }
    }
    store.publishInternalOutputs(executionId, idsByKey(resolved));
    const outputs: Record<string, ArtifactSummary[]> = { model: [], blessing: [], ...resolved };
    const found = Object.values(resolved).flat().map((a) => `${a.type} ${a.id}`);
    return { state: 'complete', executionId, durationMs: elapsed(step), outputs, reason: found.length ? `resolved ${found.join(', ')}` : 'nothing to resolve yet (first run)' };
  },
};

/** HumanApproval: waits for a decision recorded in the store (approval.ts). */
const approvalHandler: SystemNodeHandler = { run: waitForApproval };

export const SYSTEM_NODE_HANDLERS: { readonly [K in SystemNodeKind]: SystemNodeHandler } = {
  resolver: resolverHandler,
  approval: approvalHandler,
};
