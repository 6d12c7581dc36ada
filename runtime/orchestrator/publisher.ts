// The publisher, after TFX's outputs_utils and execution_publish_utils: move each output folder of a
// finished executor into its final place (a rename: all or nothing), then record the artifacts and the
// execution's end in one transaction. A failed or canceled executor leaves nothing but its log.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Properties } from '../../common/artifacts';
import type { ArtifactSummary } from '../metadata/types';
import { artifactDir } from '../workspace';
import { BYTE_SIZE_PROPERTY, listArtifactFiles, totalBytes } from './artifactFiles';
import type { ExecutorRun } from './launcher';
import { elapsed, type StepContext, type StepOutcome } from './step';

export function publishOutputs(step: StepContext, executionId: number, ran: Extract<ExecutorRun, { ok: true }>): StepOutcome {
  const published: Record<string, Array<{ type: string; uri: string; properties: Properties; customProperties: Properties }>> = {};
  for (const [k, out] of Object.entries(ran.outputs)) {
    const finalUri = artifactDir(step.root, step.pipeline.name, step.component.id, k, executionId);
    mkdirSync(dirname(finalUri), { recursive: true });
    rmSync(finalUri, { recursive: true, force: true });
    renameSync(out.uri, finalUri);
    // Its size on disk, for the run timeline's hover and the trees (MLMD has no column for it).
    const bytes = totalBytes(listArtifactFiles(finalUri) ?? []);
    published[k] = [{ type: out.type, uri: finalUri, properties: out.properties, customProperties: { ...out.customProperties, [BYTE_SIZE_PROPERTY]: bytes } }];
  }
  rmSync(ran.staging, { recursive: true, force: true });
  const ids = step.store.publishSucceeded(executionId, step.cacheKey, published, ran.executionProperties);
  const outputs: Record<string, ArtifactSummary[]> = {};
  for (const [k, list] of Object.entries(ids)) {
    outputs[k] = list.map((id) => step.store.artifact(id)!).filter(Boolean);
  }
  return { state: 'complete', executionId, durationMs: elapsed(step), outputs };
}

export function publishFailed(step: StepContext, executionId: number, ran: Extract<ExecutorRun, { ok: false }>): StepOutcome {
  step.store.finishExecution(executionId, ran.state === 'canceled' ? 'CANCELED' : 'FAILED', ran.message);
  rmSync(ran.staging, { recursive: true, force: true });
  return { state: ran.state, executionId, durationMs: elapsed(step), reason: ran.message };
}
