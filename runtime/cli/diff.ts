// `mlpipe diff <run> [<run>] [--json] [--all]`: what changed between two runs and what it did to the
// metrics. With one run, it is compared with the run of its pipeline before it. Runs of different
// pipelines are compared too (components matched by id), with a warning on stderr.
import { existsSync } from 'node:fs';
import { formatDuration, formatNumber } from '../../common/format';
import { STEP_STATE_TEXT } from '../../common/stepStates';
import { UsageError } from '../errors';
import { MetadataStore } from '../metadata/store';
import { diffRuns, findRun, previousRun, type ComponentDiff, type RunDiff, type StepSide, type ThresholdRef } from '../orchestrator/runDiff';
import { parseArgs } from './args';

type Out = NodeJS.WritableStream;

export function cmdDiff(argv: string[], out: Out, err: Out, dbFor: (values: Record<string, string>) => string): number {
  const a = parseArgs(argv, { values: ['db', 'root'], switches: ['json', 'all'] });
  if (a.positionals.length === 0) throw new UsageError('mlpipe diff needs one or two run ids', { hint: 'list them with `mlpipe runs`; `mlpipe diff <run>` compares a run with the one before it' });
  if (a.positionals.length > 2) throw new UsageError(`unexpected argument ${a.positionals[2]}`, { hint: 'mlpipe diff <run> <run>' });
  const path = dbFor(a.values);
  if (!existsSync(path)) throw new UsageError(`no metadata database at ${path}: run a pipeline first, or point --db at one`);
  const store = MetadataStore.open(path, { readonly: true });
  try {
    let left = findRun(store, a.positionals[0]!);
    let right;
    if (a.positionals.length === 2) right = findRun(store, a.positionals[1]!);
    else {
      right = left;
      const before = previousRun(store, right);
      if (!before) throw new UsageError(`run ${right.name} is the first run of pipeline ${right.pipeline}: there is no run before it to compare with`, { hint: 'name two runs: mlpipe diff <run> <run>' });
      left = before;
    }
    if (left.id === right.id) throw new UsageError(`both arguments are run ${left.name}`, { hint: 'name two different runs (`mlpipe runs` lists them)' });
    const diff = diffRuns(store, left, right);
    if (!diff.samePipeline) err.write(`mlpipe: comparing runs of two pipelines (${diff.left.pipeline} and ${diff.right.pipeline}): components are matched by id\n`);
    out.write(a.switches.has('json') ? `${JSON.stringify(diff, null, 2)}\n` : diffText(diff, a.switches.has('all')));
    return 0;
  } finally {
    store.close();
  }
}

function value(v: unknown): string {
  if (v === undefined) return '(not set)';
  const text = typeof v === 'string' ? v : String(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function stepText(s: StepSide | undefined): string {
  if (!s) return 'not in this run';
  return `${STEP_STATE_TEXT[s.state]}${s.cached ? '' : s.state === 'complete' ? ' (executed)' : ''} in ${formatDuration(s.durationMs)}`;
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${formatNumber(n)}`;
}

export function thresholdText(t: ThresholdRef): string {
  const parts: string[] = [];
  if (t.lowerBound !== undefined) parts.push(`>= ${formatNumber(t.lowerBound)}`);
  if (t.upperBound !== undefined) parts.push(`<= ${formatNumber(t.upperBound)}`);
  if (t.change) parts.push(`change ${t.change.direction.replace(/_/g, ' ')}${t.change.absolute !== undefined ? ` by ${formatNumber(t.change.absolute)}` : ''}`);
  return parts.join(', ');
}

function componentText(c: ComponentDiff, all: boolean): string[] {
  const lines: string[] = [];
  const l = c.left;
  const r = c.right;
  const stateChanged = !l || !r || l.state !== r.state || l.cached !== r.cached;
  lines.push(`${c.nodeId} (${c.type.slice(c.type.lastIndexOf('.') + 1)}): ${stateChanged ? `${stepText(l)} → ${stepText(r)}` : stepText(r)}`);
  for (const p of c.params) if (p.changed || all) lines.push(`  param ${p.name}: ${p.changed ? `${value(p.left)} → ${value(p.right)}` : value(p.right)}`);
  for (const o of c.outputs) {
    if (!all && (o.verdict === 'same-artifact' || o.verdict === 'same-content')) continue;
    lines.push(`  output ${o.key} (${o.type}): ${o.verdict.replace(/-/g, ' ')}${o.left && o.right ? ` (${o.left.artifactId} → ${o.right.artifactId})` : ''}: ${o.how}`);
  }
  if (c.metrics) {
    const m = c.metrics;
    if (m.blessed.left !== m.blessed.right || all) lines.push(`  blessed: ${String(m.blessed.left)} → ${String(m.blessed.right)}`);
    for (const d of m.deltas) {
      if (!all && d.delta === 0) continue;
      const th = d.threshold ? `  [threshold ${thresholdText(d.threshold)}${d.rightPasses === false ? ': fails' : d.rightPasses ? ': passes' : ''}]` : '';
      lines.push(`  metric ${d.metric} (${d.slice}): ${formatNumber(d.left)} → ${formatNumber(d.right)}${d.delta !== undefined ? ` (${signed(d.delta)})` : ''}${th}`);
    }
    if (m.note) lines.push(`  metrics: ${m.note}`);
  }
  for (const f of c.schema?.changes ?? []) lines.push(`  schema ${f.feature}: ${f.kind}${f.left !== undefined || f.right !== undefined ? ` ${value(f.left ?? '')}${f.kind === 'added' || f.kind === 'removed' ? '' : ` → ${value(f.right ?? '')}`}` : ''}`.replace(/ {2,}$/, ''));
  if (c.schema?.note) lines.push(`  schema: ${c.schema.note}`);
  for (const a of c.anomalies?.changes ?? []) lines.push(`  anomaly ${a.change === 'appeared' ? 'appeared' : 'went away'}: ${a.severity} ${a.type} on ${a.feature || '(dataset)'} (${a.split}): ${a.description}`);
  if (c.anomalies?.note) lines.push(`  anomalies: ${c.anomalies.note}`);
  if (c.statistics && c.statistics.left !== c.statistics.right) lines.push(`  statistics: ${c.statistics.left} vs ${c.statistics.right} (open both in VS Code: Compare Runs)`);
  return lines;
}

/** The readable form: a header, the summary, then one block per component that changed (all with --all). */
export function diffText(d: RunDiff, all = false): string {
  const lines = [
    `run ${d.left.name} (${d.left.pipeline}, ${new Date(d.left.createTime).toISOString()}) → run ${d.right.name} (${d.right.pipeline}, ${new Date(d.right.createTime).toISOString()})`,
    `changed params: ${d.summary.changedParams.join(', ') || 'none'}`,
    `executed in ${d.right.name}: ${d.summary.executed.join(', ') || 'nothing (all cached)'}`,
    `different outputs: ${d.summary.differentOutputs.join(', ') || 'none'}; metric changes: ${d.summary.metricChanges}`,
    '',
  ];
  const shown = d.components.filter((c) => all || c.changed);
  for (const c of shown) lines.push(...componentText(c, all));
  const same = d.components.length - shown.length;
  if (same) lines.push(`${same} component(s) unchanged (--all shows them)`);
  return `${lines.join('\n')}\n`;
}
