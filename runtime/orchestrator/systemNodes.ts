// Nodes the orchestrator runs itself instead of through an executor, because they work on the metadata
// store: one handler per spec kind, after TFX's _SYSTEM_NODE_HANDLERS (launcher.py) and
// system_node_handler.py: Resolver, HumanApproval and Importer. A new kind of system node is a new entry in
// this table; the compiler asks for it as soon as the kind joins ComponentSpec.
import { dirname } from 'node:path';
import { planImport } from '../components/importerSource';
import { IMPORTER_RESULT, type SystemNodeKind } from '../components/spec';
import { UserError } from '../errors';
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

/**
 * Importer: registers its source as an artifact (TFX importer_node_handler.py). The execution records
 * TFX's exec properties (`artifact_uri`, `reimport` as 0/1); without `reimport` an earlier artifact of
 * the same type, uri and properties is published again, so the steps after it stay cached.
 */
const importerHandler: SystemNodeHandler = {
  async run(step) {
    let plan: ReturnType<typeof planImport> | undefined;
    let problem: string | undefined;
    try {
      plan = planImport(step.params, dirname(step.pipeline.file));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problem = err.hint ? `${err.message}. ${err.hint}` : err.message;
    }
    const executionId = registerStepExecution(step, {}, plan ? { artifact_uri: plan.uri, reimport: plan.reuse ? 0 : 1 } : {});
    if (!plan) {
      step.store.finishExecution(executionId, 'FAILED', problem!);
      return { state: 'failed', executionId, durationMs: elapsed(step), reason: problem };
    }
    const { artifactId, reused } = step.store.publishImported(executionId, IMPORTER_RESULT, { type: plan.type, uri: plan.uri, properties: plan.properties, customProperties: plan.customProperties }, plan.reuse);
    const artifact = step.store.artifact(artifactId)!;
    return {
      state: 'complete',
      executionId,
      durationMs: elapsed(step),
      outputs: { [IMPORTER_RESULT]: [artifact] },
      reason: `${reused ? 'reused' : 'imported'} ${plan.type} ${artifactId} from ${plan.uri}`,
    };
  },
};

export const SYSTEM_NODE_HANDLERS: { readonly [K in SystemNodeKind]: SystemNodeHandler } = {
  resolver: resolverHandler,
  approval: approvalHandler,
  importer: importerHandler,
};
