// What the metadata store knows about the data flowing into a component: the latest statistics and
// raw examples upstream of it in the pipeline graph. Completion offers feature names from it, and
// the feature checks (featureChecks.ts) read it. Works on the IR and on the outline of text that does
// not parse (both have ids, types and `<component>.<output>` references).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_FILE, STATS_FILE, splitDir } from '../../common/artifacts';
import type { DatasetFeatureStatistics, DatasetFeatureStatisticsList } from '../data/statisticsTypes';
import type { ArtifactSummary } from '../metadata/types';
import type { ComponentCatalog } from './componentCatalog';

/** A component as both the IR and the outline describe it. */
export interface GraphComponent {
  id: string;
  type?: string;
  inputs: Record<string, ReadonlyArray<{ component: string; output: string }>>;
}

/** The one read this needs (MetadataStore has it). */
export interface OutputsReader {
  latestNodeOutputs(pipeline: string, nodeId: string): Record<string, ArtifactSummary[]> | undefined;
}

function outputTypes(c: GraphComponent, catalog: ComponentCatalog): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const [k, o] of Object.entries(catalog.get(c.type ?? '')?.outputs ?? {})) out[k] = o.type;
  } catch {
    // an unknown or broken type has no known outputs
  }
  return out;
}

/** Components upstream of `id`, nearest first (breadth first over the inputs). */
export function upstreamInOrder(components: readonly GraphComponent[], id: string): GraphComponent[] {
  const byId = new Map(components.map((c) => [c.id, c]));
  const seen = new Set<string>([id]);
  const order: GraphComponent[] = [];
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const cur of frontier) {
      for (const refs of Object.values(byId.get(cur)?.inputs ?? {})) {
        for (const r of refs) {
          if (seen.has(r.component)) continue;
          seen.add(r.component);
          const c = byId.get(r.component);
          if (c) {
            order.push(c);
            next.push(c.id);
          }
        }
      }
    }
    frontier = next;
  }
  return order;
}

/**
 * The component whose ExampleStatistics describe the data entering `id`: the nearest upstream
 * producer of statistics, else a StatisticsGen reading an Examples producer upstream (Transform reads
 * ExampleGen's examples while StatisticsGen sits beside it).
 */
export function statisticsSourceFor(components: readonly GraphComponent[], id: string, catalog: ComponentCatalog): GraphComponent | undefined {
  const up = upstreamInOrder(components, id);
  const direct = up.find((c) => Object.values(outputTypes(c, catalog)).includes('ExampleStatistics'));
  if (direct) return direct;
  const upIds = new Set(up.map((c) => c.id));
  return components.find((c) => c.id !== id && Object.values(outputTypes(c, catalog)).includes('ExampleStatistics') && Object.values(c.inputs).some((refs) => refs.some((r) => upIds.has(r.component))));
}

/** The nearest upstream component producing raw Examples (an ExampleGen: no Examples input of its own). */
export function rawExamplesSourceFor(components: readonly GraphComponent[], id: string, catalog: ComponentCatalog): GraphComponent | undefined {
  return upstreamInOrder(components, id).find((c) => Object.values(outputTypes(c, catalog)).includes('Examples') && !Object.values(c.inputs).some((refs) => refs.length > 0));
}

function latestOfType(store: OutputsReader, pipeline: string, nodeId: string, type: string): ArtifactSummary | undefined {
  let outputs: Record<string, ArtifactSummary[]> | undefined;
  try {
    outputs = store.latestNodeOutputs(pipeline, nodeId);
  } catch {
    return undefined; // a database that cannot be read gives no suggestions, not an error while typing
  }
  return Object.values(outputs ?? {})
    .flat()
    .find((a) => a.type === type);
}

/** Split folders an artifact has, `train` first. */
export function artifactSplits(uri: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(uri).filter((n) => n.startsWith('Split-')).map((n) => n.slice('Split-'.length));
  } catch {
    return [];
  }
  return names.sort((a, b) => (a === 'train' ? -1 : b === 'train' ? 1 : a.localeCompare(b)));
}

const statsCache = new Map<string, { mtimeMs: number; stats: DatasetFeatureStatistics }>();

export interface LatestStatistics {
  node: string;
  artifact: ArtifactSummary;
  split: string;
  stats: DatasetFeatureStatistics;
}

/** The latest statistics (train split, else the first) of the statistics source upstream of `id`. */
export function latestStatisticsFor(
  store: OutputsReader,
  pipeline: string,
  components: readonly GraphComponent[],
  id: string,
  catalog: ComponentCatalog,
): LatestStatistics | undefined {
  const source = statisticsSourceFor(components, id, catalog);
  if (!source) return undefined;
  const artifact = latestOfType(store, pipeline, source.id, 'ExampleStatistics');
  if (!artifact) return undefined;
  for (const split of artifactSplits(artifact.uri)) {
    const file = join(artifact.uri, splitDir(split), STATS_FILE);
    try {
      const mtimeMs = statSync(file).mtimeMs;
      const hit = statsCache.get(file);
      if (hit && hit.mtimeMs === mtimeMs) return { node: source.id, artifact, split, stats: hit.stats };
      const stats = (JSON.parse(readFileSync(file, 'utf8')) as DatasetFeatureStatisticsList).datasets?.[0];
      if (!stats) continue;
      statsCache.set(file, { mtimeMs, stats });
      return { node: source.id, artifact, split, stats };
    } catch {
      continue;
    }
  }
  return undefined;
}

export interface LatestExamples {
  node: string;
  artifact: ArtifactSummary;
  split: string;
  /** The split's Parquet file. */
  file: string;
}

/** The latest raw examples (train split, else the first) upstream of `id`. */
export function latestRawExamplesFor(
  store: OutputsReader,
  pipeline: string,
  components: readonly GraphComponent[],
  id: string,
  catalog: ComponentCatalog,
): LatestExamples | undefined {
  const source = rawExamplesSourceFor(components, id, catalog);
  if (!source) return undefined;
  const artifact = latestOfType(store, pipeline, source.id, 'Examples');
  if (!artifact) return undefined;
  for (const split of artifactSplits(artifact.uri)) {
    const file = join(artifact.uri, splitDir(split), EXAMPLES_FILE);
    if (existsSync(file)) return { node: source.id, artifact, split, file };
  }
  return undefined;
}
