// The ExampleValidator executor: per split, validates the statistics against the schema (with drift
// against the baseline span and skew against serving data or another split), writes TFDV-like
// Anomalies and the summary, reports the anomalies as a component event, and fails on `fail_on`.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANOMALIES_FILE, ANOMALIES_SUMMARY_FILE, splitDir, splitNames } from '../../common/artifacts';
import { readSchemaArtifact } from '../data/schemaInference';
import { excludedSplits, readSplitStatistics } from '../data/statisticsFiles';
import { anomaliesNotice, failingAnomalies, type AnomalySummaryRow } from '../../common/anomalies';
import { summarizeAnomalies, validateStatistics, type ValidateOptions } from '../data/validation';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';

function pickSplit(artifact: InputArtifact, split: string): string | undefined {
  const names = splitNames(artifact.properties);
  if (names.includes(split)) return split;
  // Serving statistics usually have one split of their own name; use it for every split.
  return names.length === 1 ? names[0] : undefined;
}

export async function runExampleValidator(ctx: ExecutorContext): Promise<ExecutorResult> {
  const stats = ctx.inputs['statistics']?.[0];
  const schemaIn = ctx.inputs['schema']?.[0];
  const out = ctx.outputs['anomalies'];
  if (!stats || !schemaIn || !out) throw new ComponentError('ExampleValidator needs `statistics` and `schema` inputs', 'wire inputs: {statistics: …, schema: …}');
  const schema = readSchemaArtifact(schemaIn.uri);
  const baseline = ctx.inputs['baseline_statistics']?.[0];
  const serving = ctx.inputs['serving_statistics']?.[0];
  const excluded = excludedSplits(ctx.params);
  const named = splitNames(stats.properties);
  if (named.length === 0) {
    // Validating nothing and reporting success would let any data through: say what is wrong instead.
    const onDisk = existsSync(stats.uri) ? readdirSync(stats.uri).filter((f) => f.startsWith('Split-')) : [];
    throw new ComponentError(
      `statistics artifact ${stats.id} has no split names, so there is nothing to validate${onDisk.length ? ` (its folder holds ${onDisk.join(', ')})` : ''}`,
      onDisk.length ? `Import it with properties: {split_names: '${JSON.stringify(onDisk.map((f) => f.slice('Split-'.length)))}'}, or wire a StatisticsGen output.` : 'Wire a StatisticsGen output (or an Importer of a TFX statistics folder with Split-*/FeatureStats.pb).',
    );
  }
  const splits = named.filter((s) => !excluded.has(s));
  const skewRaw = ctx.params['skew'];
  const skewPairs = skewRaw && typeof skewRaw === 'object' && !Array.isArray(skewRaw) ? Object.entries(skewRaw as Record<string, unknown>) : [];
  const skewControlOf = new Map<string, string>();
  for (const [control, treatment] of skewPairs) {
    if (typeof treatment !== 'string') throw new ComponentError(`params.skew.${control} must name a split`, 'e.g. skew: {train: eval}');
    for (const s of [control, treatment]) if (!splitNames(stats.properties).includes(s)) throw new ComponentError(`params.skew names split ${s}, which the statistics do not have`, `splits are: ${splitNames(stats.properties).join(', ')}`);
    skewControlOf.set(treatment, control);
  }

  const summary: AnomalySummaryRow[] = [];
  const blessed: Record<string, number> = {};
  for (const split of splits) {
    const ds = readSplitStatistics(stats.uri, split);
    const options: ValidateOptions = {};
    if (baseline) {
      const b = pickSplit(baseline, split);
      if (b) options.previous = readSplitStatistics(baseline.uri, b);
    }
    const control = skewControlOf.get(split);
    if (control) {
      options.serving = readSplitStatistics(stats.uri, control);
      options.servingLabel = `${control} split`;
    } else if (serving) {
      const s = pickSplit(serving, split);
      if (s) {
        options.serving = readSplitStatistics(serving.uri, s);
        options.servingLabel = 'serving data';
      }
    }
    const anomalies = validateStatistics(ds, schema, options);
    const dir = join(out.uri, splitDir(split));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ANOMALIES_FILE), `${JSON.stringify(anomalies, null, 1)}\n`);
    const rows = summarizeAnomalies(split, anomalies);
    summary.push(...rows);
    blessed[split] = rows.length === 0 ? 1 : 0;
    ctx.log(`split ${split}: ${rows.length === 0 ? 'no anomalies' : rows.map((r) => `${r.feature || '(dataset)'} ${r.type}`).join('; ')}`);
  }
  writeFileSync(join(out.uri, ANOMALIES_SUMMARY_FILE), `${JSON.stringify(summary, null, 1)}\n`);
  // Before any failure below: a validator that fails the step on anomalies still tells the Problems panel why.
  if (summary.length) ctx.emit({ kind: 'anomalies', anomalies: summary });
  out.properties['split_names'] = JSON.stringify(splits);
  const span = stats.properties['span'];
  if (typeof span === 'number') out.properties['span'] = span;
  out.customProperties['blessed'] = JSON.stringify(blessed);
  out.customProperties['anomalies_count'] = summary.length;
  out.customProperties['errors_count'] = summary.filter((r) => r.severity === 'ERROR').length;
  if (baseline) out.customProperties['baseline_statistics_id'] = baseline.id;

  const failOn = ctx.params['fail_on'] ?? 'error';
  const failing = failingAnomalies(summary, failOn);
  if (failing.length === 0) return {};
  // The anomalies are the finding: they are published (ABANDONED, the execution FAILED), so the panels show
  // what stopped the pipeline, and the step's reason is the one sentence every view and the CLI show.
  return {
    failedWithOutputs: {
      message: `${anomaliesNotice(ctx.componentId, failing)} (fail_on: ${String(failOn)})`,
      hint: 'fix the data, or accept the change into the schema if it is intended (or set params.fail_on: none to record anomalies without failing)',
    },
  };
}
