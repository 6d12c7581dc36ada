// Finds the files behind a statistics request (an ExampleStatistics artifact, or the statistics of an
// Examples artifact, plus the ExampleValidator's anomalies next to them) and reads them into the
// statistics view's snapshot. The metadata goes through the runtime; the files are read here.
import type { ArtifactSummary, LineageGraph } from '../../runtime/server/protocol';
import type { DbRef } from '../../runtime/server/protocol';
import type { DatasetStatistics, StatisticsSide, StatisticsSnapshot } from '../../webviews/protocol';
import type { PanelDeps } from '../panelDeps';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeatureStats, readAnomalies, readFeatureStats, splitsIn } from './artifactPayloads';

export interface StatisticsSource {
  db: DbRef;
  artifact: ArtifactSummary;
  anomaliesUri?: string;
  /**
   * Splits that hold only TFX's binary FeatureStats.pb (an imported artifact), decoded by the runtime
   * when the source was resolved: the host reads JSON itself but leaves protobuf to the runtime.
   */
  decoded?: Record<string, DatasetStatistics | { error: string }>;
}

/** The runtime's decoding of every split that has a FeatureStats.pb and no FeatureStats.json. */
async function decodeBinarySplits(deps: PanelDeps, uri: string): Promise<StatisticsSource['decoded']> {
  const decoded: NonNullable<StatisticsSource['decoded']> = {};
  for (const split of splitsIn(uri)) {
    const dir = join(uri, `Split-${split}`);
    if (existsSync(join(dir, 'FeatureStats.json')) || !existsSync(join(dir, 'FeatureStats.pb'))) continue;
    try {
      const dataset = await deps.client.request('mlpipe/featureStatistics', { uri, split });
      decoded[split] = parseFeatureStats({ datasets: [dataset] } as unknown, join(dir, 'FeatureStats.pb'));
    } catch (e) {
      decoded[split] = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  return Object.keys(decoded).length ? decoded : undefined;
}

/** The newest artifact of a type in the graph: statistics validated again (a schema accepted) show the latest verdict. */
function near(graph: LineageGraph, type: string): { id: number; uri?: string } | undefined {
  let best: (typeof graph.nodes)[number] | undefined;
  for (const x of graph.nodes) if (x.kind === 'artifact' && x.type === type && (!best || x.id > best.id)) best = x;
  return best ? { id: best.id, uri: best.uri } : undefined;
}

export async function resolveStatistics(deps: PanelDeps, db: DbRef, artifactId: number, anomaliesArtifactId?: number): Promise<StatisticsSource> {
  let artifact = await deps.client.request('mlpipe/artifact', { db, id: artifactId });
  if (!artifact) throw new Error(`Artifact ${artifactId} is not in the metadata database ${db.path}.`);
  if (artifact.type !== 'ExampleStatistics') {
    const down = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'downstream', maxDepth: 2 });
    const stats = near(down, 'ExampleStatistics');
    if (!stats) throw new Error(`No statistics were computed from ${artifact.type} artifact ${artifactId}. Run a StatisticsGen step on it first.`);
    artifact = (await deps.client.request('mlpipe/artifact', { db, id: stats.id }))!;
  }
  if (anomaliesArtifactId !== undefined) {
    const anomalies = await deps.client.request('mlpipe/artifact', { db, id: anomaliesArtifactId });
    if (anomalies?.type === 'ExampleAnomalies') return { db, artifact, anomaliesUri: anomalies.uri };
  }
  const down = await deps.client.request('mlpipe/lineage', { db, artifactId: artifact.id, direction: 'downstream', maxDepth: 2 });
  const decoded = await decodeBinarySplits(deps, artifact.uri);
  return { db, artifact, anomaliesUri: near(down, 'ExampleAnomalies')?.uri, ...(decoded ? { decoded } : {}) };
}

export function labelOf(artifact: ArtifactSummary, split: string): string {
  return `${artifact.name || artifact.type} #${artifact.id} · ${split}`;
}

function datasetOf(source: StatisticsSource, split: string): DatasetStatistics {
  const decoded = source.decoded?.[split];
  if (!decoded) return readFeatureStats(source.artifact.uri, split);
  if ('error' in decoded) throw new Error(decoded.error);
  return decoded;
}

export function readSide(source: StatisticsSource, split: string): StatisticsSide {
  return {
    label: labelOf(source.artifact, split),
    split,
    artifactId: source.artifact.id,
    uri: source.artifact.uri,
    dataset: datasetOf(source, split),
    anomalies: source.anomaliesUri ? readAnomalies(source.anomaliesUri, split) : [],
  };
}

export function defaultSplit(splits: string[], wanted?: string): string | undefined {
  if (wanted && splits.includes(wanted)) return wanted;
  return splits.includes('train') ? 'train' : splits[0];
}

/** A snapshot, or one that says what went wrong (shown in the view instead of a notification). */
export function snapshotFor(main: StatisticsSource, split: string | undefined, compare?: { source: StatisticsSource; split: string }, focus?: string): StatisticsSnapshot {
  const splits = splitsIn(main.artifact.uri);
  const chosen = defaultSplit(splits, split);
  if (!chosen) return { main: null, compare: null, splits, error: `No Split-* folders with FeatureStats.json or FeatureStats.pb in ${main.artifact.uri}.` };
  try {
    return { main: readSide(main, chosen), compare: compare ? readSide(compare.source, compare.split) : null, splits, ...(focus ? { focus } : {}) };
  } catch (e) {
    return { main: null, compare: null, splits, error: e instanceof Error ? e.message : String(e) };
  }
}
