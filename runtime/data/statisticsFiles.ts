// Reading StatisticsGen's output, kept apart from the DuckDB code that computes it: SchemaGen and
// ExampleValidator only read statistics, and their modules (and fingerprints) must not load DuckDB.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATS_FILE, splitDir } from '../../common/artifacts';
import { ComponentError } from '../components/spec';
import type * as StatisticsProto from './statisticsProto';
import type { DatasetFeatureStatistics, DatasetFeatureStatisticsList } from './statisticsTypes';

const STATS_PB_FILE = 'FeatureStats.pb';

/** The `exclude_splits` param of StatisticsGen / SchemaGen / ExampleValidator as a set. */
export function excludedSplits(params: Record<string, unknown>): Set<string> {
  const raw = params['exclude_splits'];
  return new Set(Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : []);
}

/** Read one split's statistics from an ExampleStatistics artifact's folder (FeatureStats.json, or TFX's FeatureStats.pb). */
export function readSplitStatistics(statisticsUri: string, split: string): DatasetFeatureStatistics {
  const file = join(statisticsUri, splitDir(split), STATS_FILE);
  const pb = join(statisticsUri, splitDir(split), STATS_PB_FILE);
  let parsed: DatasetFeatureStatisticsList;
  if (existsSync(file)) parsed = JSON.parse(readFileSync(file, 'utf8')) as DatasetFeatureStatisticsList;
  else if (existsSync(pb)) {
    // TFX's own StatisticsGen output (an imported artifact): binary DatasetFeatureStatisticsList.
    try {
      parsed = (require('./statisticsProto') as typeof StatisticsProto).decodeStatisticsPb(readFileSync(pb));
    } catch (err) {
      throw new ComponentError(`${pb} is not a TFDV DatasetFeatureStatisticsList: ${err instanceof Error ? err.message : String(err)}`, 'Import the Split-*/FeatureStats.pb files that TFX’s StatisticsGen wrote.');
    }
  } else throw new ComponentError(`no statistics for split ${split} (${file} or ${STATS_PB_FILE})`, 'run StatisticsGen for that split');
  const ds = parsed.datasets?.[0];
  if (!ds) throw new ComponentError(`${file} holds no dataset`, 'run StatisticsGen again');
  return ds;
}
