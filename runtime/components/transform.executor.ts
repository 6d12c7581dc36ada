// The Transform executor: reads its params and inputs, bundles the custom module (trusted workspaces only),
// and has the transform library analyse the train split and write every split (DuckDB and esbuild load
// only when this file is).
import { splitNames } from '../../common/artifacts';
import { readSchemaArtifact } from '../data/schemaInference';
import { bundleTransformModule, parseFeatureRequests, transformSplits } from '../data/transformAnalysis';
import { ComponentError, type ExecutorContext } from './spec';

export async function runTransform(ctx: ExecutorContext): Promise<void> {
  const examples = ctx.inputs['examples']?.[0];
  const graphOut = ctx.outputs['transform_graph'];
  const exOut = ctx.outputs['transformed_examples'];
  if (!examples || !graphOut || !exOut) throw new ComponentError('Transform needs an `examples` input', 'wire inputs: {examples: <example_gen>.examples}');
  const splits = splitNames(examples.properties);
  if (splits.length === 0) throw new ComponentError(`the examples artifact ${examples.uri} lists no splits`);
  const analyzeSplit = typeof ctx.params['analyze_split'] === 'string' ? (ctx.params['analyze_split'] as string) : 'train';
  if (!splits.includes(analyzeSplit)) throw new ComponentError(`no ${analyzeSplit} split to analyse (splits: ${splits.join(', ')})`, 'set params.analyze_split to one of them');
  const requests = parseFeatureRequests(ctx.params['features']);
  const label = typeof ctx.params['label'] === 'string' && ctx.params['label'] !== '' ? (ctx.params['label'] as string) : undefined;
  const drop = ctx.params['drop'] === true;
  const schemaIn = ctx.inputs['schema']?.[0];
  if (schemaIn) {
    const schema = readSchemaArtifact(schemaIn.uri);
    const known = new Set(schema.feature.map((f) => f.name));
    for (const r of requests) {
      if (!known.has(r.source)) ctx.log(`note: ${r.source} is not in the schema (a column the custom module derives?)`);
    }
  }
  const custom = typeof ctx.params['module'] === 'string' && ctx.params['module'] !== '' ? await bundleTransformModule(ctx.params['module'] as string, { pipelineDir: ctx.pipelineDir, trusted: ctx.trusted }) : undefined;

  const rows: Record<string, number> = {};
  await transformSplits({
    examplesUri: examples.uri,
    splits,
    analyzeSplit,
    requests,
    label,
    drop,
    custom,
    graphUri: graphOut.uri,
    examplesOutUri: exOut.uri,
    tmpDir: ctx.tmpDir,
    signal: ctx.signal,
    log: (line) => ctx.log(line),
    onSplit: (split, k, count) => {
      rows[split] = count;
      ctx.emit({ kind: 'progress', message: `transformed ${split}`, fraction: (k + 1) / splits.length });
    },
  });
  exOut.properties['split_names'] = JSON.stringify(splits);
  for (const key of ['span', 'version']) {
    const v = examples.properties[key];
    if (typeof v === 'number') exOut.properties[key] = v;
  }
  exOut.customProperties['file_format'] = 'parquet';
  exOut.customProperties['payload_format'] = 'FORMAT_PARQUET';
  // Rows per split, as ExampleGen records them: the run timeline and the trees show them without reading a file.
  exOut.customProperties['num_examples'] = JSON.stringify(rows);
}
