// The Resolver node's strategies, after TFX's LatestArtifactStrategy and LatestBlessedModelStrategy
// (tfx/dsl/input_resolution/strategies, tfx-reference §2.7), over the store's generic lookups: as in TFX,
// what a blessing means lives with the orchestration, not in ML Metadata.
import { BLESSED_PROPERTY, isBlessedValue } from '../../common/blessing';
import type { MetadataStore } from '../metadata/store';
import type { ArtifactSummary } from '../metadata/types';

/** TFX LatestArtifactStrategy: the newest LIVE artifact of `type` attributed to the pipeline. */
export function latestArtifact(store: MetadataStore, pipeline: string, type: string): ArtifactSummary | undefined {
  return store.liveArtifactsOfPipeline(pipeline, type, 1)[0];
}

/**
 * TFX LatestBlessedModelStrategy: the LIVE blessings of the pipeline that are blessed (common/blessing.ts:
 * the integer 1 or the boolean true) name their model in `current_model_id`; the newest (highest id) LIVE model of the pipeline so named
 * wins, with its newest such blessing. Undefined on a first run.
 */
export function latestBlessedModel(store: MetadataStore, pipeline: string): { model: ArtifactSummary; blessing: ArtifactSummary } | undefined {
  const newestBlessingOf = new Map<number, ArtifactSummary>();
  for (const blessing of store.liveArtifactsOfPipeline(pipeline, 'ModelBlessing')) {
    if (!isBlessedValue(blessing.customProperties[BLESSED_PROPERTY])) continue;
    const modelId = blessing.customProperties['current_model_id'];
    if (typeof modelId !== 'number' || !Number.isInteger(modelId)) continue;
    // Newest first: the first blessing seen for a model is its newest.
    if (!newestBlessingOf.has(modelId)) newestBlessingOf.set(modelId, blessing);
  }
  if (newestBlessingOf.size === 0) return undefined;
  for (const model of store.liveArtifactsOfPipeline(pipeline, 'Model')) {
    const blessing = newestBlessingOf.get(model.id);
    if (blessing) return { model, blessing };
  }
  return undefined;
}
