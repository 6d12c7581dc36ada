// The SchemaGen executor: infers a schema from the statistics of every split not excluded.
import { splitNames } from '../../common/artifacts';
import { inferSchema, writeSchema } from '../data/schemaInference';
import { excludedSplits, readSplitStatistics } from '../data/statisticsFiles';
import { ComponentError, type ExecutorContext } from './spec';

export async function runSchemaGen(ctx: ExecutorContext): Promise<void> {
  const stats = ctx.inputs['statistics']?.[0];
  const out = ctx.outputs['schema'];
  if (!stats || !out) throw new ComponentError('SchemaGen needs a `statistics` input', 'wire inputs: {statistics: <statistics_gen>.statistics}');
  const excluded = excludedSplits(ctx.params);
  const splits = splitNames(stats.properties).filter((s) => !excluded.has(s));
  if (splits.length === 0) throw new ComponentError('no statistics splits to infer a schema from', 'check exclude_splits');
  const maxDomain = ctx.params['max_string_domain_size'];
  const schema = inferSchema(
    splits.map((s) => readSplitStatistics(stats.uri, s)),
    { inferFeatureShape: ctx.params['infer_feature_shape'] !== false, maxStringDomainSize: typeof maxDomain === 'number' ? maxDomain : 100 },
  );
  writeSchema(out.uri, schema);
  ctx.log(`inferred ${schema.feature.length} features from ${splits.join(', ')}; ${schema.stringDomain?.length ?? 0} string domains`);
}
