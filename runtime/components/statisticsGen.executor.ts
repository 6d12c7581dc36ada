// The StatisticsGen executor: reads its params and input artifact, computes every split's statistics with
// the data library (DuckDB, loaded only when this file is), and fills in the output artifact.
import { splitNames } from '../../common/artifacts';
import { writeSplitStatistics, type StatsOptions } from '../data/statistics';
import { excludedSplits } from '../data/statisticsFiles';
import { ComponentError, type ExecutorContext } from './spec';

function intParam(params: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ComponentError(`params.${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

export async function runStatisticsGen(ctx: ExecutorContext): Promise<void> {
  const examples = ctx.inputs['examples']?.[0];
  const out = ctx.outputs['statistics'];
  if (!examples || !out) throw new ComponentError('StatisticsGen needs an `examples` input', 'wire inputs: {examples: <example_gen>.examples}');
  const options: StatsOptions = {
    numTopValues: intParam(ctx.params, 'num_top_values', 20, 1),
    numHistogramBuckets: intParam(ctx.params, 'num_histogram_buckets', 10, 2),
    numRankHistogramBuckets: intParam(ctx.params, 'num_rank_histogram_buckets', 1000, 1),
  };
  const excluded = excludedSplits(ctx.params);
  const splits = splitNames(examples.properties).filter((s) => !excluded.has(s));
  if (splits.length === 0) throw new ComponentError(`the examples artifact ${examples.uri} lists no splits`, 'run ExampleGen again; its artifact should have split_names');
  await writeSplitStatistics(examples.uri, out.uri, splits, options, {
    tmpDir: ctx.tmpDir,
    signal: ctx.signal,
    onSplit: (split, ds, i) => {
      ctx.log(`split ${split}: ${ds.numExamples} examples, ${ds.features.length} features`);
      ctx.emit({ kind: 'progress', message: `statistics of ${split}`, fraction: (i + 1) / splits.length });
    },
  });
  out.properties['split_names'] = JSON.stringify(splits);
  const span = examples.properties['span'];
  if (typeof span === 'number') out.properties['span'] = span;
}
