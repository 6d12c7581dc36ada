// Reading StatisticsGen's output, kept apart from the DuckDB code that computes it: SchemaGen and
// ExampleValidator only read statistics, and their modules (and fingerprints) must not load DuckDB.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATS_FILE, splitDir } from '../../common/artifacts';
import { ComponentError } from '../components/spec';
import type { DatasetFeatureStatistics, DatasetFeatureStatisticsList } from './statisticsTypes';

/** The `exclude_splits` param of StatisticsGen / SchemaGen / ExampleValidator as a set. */
export function excludedSplits(params: Record<string, unknown>): Set<string> {
  const raw = params['exclude_splits'];
  return new Set(Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : []);
}

/** Read one split's statistics from an ExampleStatistics artifact's folder. */
export function readSplitStatistics(statisticsUri: string, split: string): DatasetFeatureStatistics {
  const file = join(statisticsUri, splitDir(split), STATS_FILE);
  if (!existsSync(file)) throw new ComponentError(`no statistics for split ${split} (${file})`, 'run StatisticsGen for that split');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as DatasetFeatureStatisticsList;
  const ds = parsed.datasets?.[0];
  if (!ds) throw new ComponentError(`${file} holds no dataset`, 'run StatisticsGen again');
  return ds;
}
