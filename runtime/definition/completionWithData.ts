// Completion as the server answers it: the catalog the server passes (the registry), and feature names from the latest
// statistics upstream of the cursor's component in the workspace's metadata store (when it has run).
import { featureName } from '../data/statisticsTypes';
import { completePipelineText, type CompletionResult, type FeatureInfo } from './completion';
import type { ComponentCatalog } from './componentCatalog';
import { latestStatisticsFor, type OutputsReader } from './upstreamData';

export interface CompleteRequest {
  file: string;
  text: string;
  /** 0-based, as editors count. */
  line: number;
  column: number;
  schemaCovered?: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');

export function completeWithStore(req: CompleteRequest, store: OutputsReader | undefined, catalog: ComponentCatalog): CompletionResult {
  return completePipelineText(req.file, req.text, req.line, req.column, {
    catalog,
    schemaCovered: req.schemaCovered,
    features: (component, outline) => {
      if (!store || !outline.name) return undefined;
      const latest = latestStatisticsFor(store, outline.name, outline.components, component.id, catalog);
      if (!latest) return undefined;
      const n = latest.stats.numExamples;
      return latest.stats.features.map((f): FeatureInfo => {
        const facts =
          f.stringStats !== undefined
            ? `${count(f.stringStats.unique)} distinct values`
            : f.numStats !== undefined
              ? `${f.numStats.min} to ${f.numStats.max}, mean ${Number(f.numStats.mean.toPrecision(4))}`
              : '';
        return {
          name: featureName(f),
          type: f.type,
          summary: `${facts ? `${facts} in ` : ''}${count(n)} examples (${latest.split} split of ${latest.node}, artifact ${latest.artifact.id})`,
        };
      });
    },
  });
}
