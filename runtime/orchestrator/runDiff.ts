// Two runs of a pipeline side by side, from ML Metadata and the artifacts' own files only (no pipeline
// file), so a database TFX wrote compares as well as ours: per component the params, the state and duration
// (executed or cached), whether each output is the same artifact or has different content, the metric
// deltas with their thresholds, the schema's changes, the anomalies that appeared or went away, and the
// ExampleStatistics pair the statistics comparison opens on. `mlpipe diff`, the server and the panel use it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnomalySummaryRow } from '../../common/anomalies';
import { ANOMALIES_SUMMARY_FILE, METRICS_FILE, VALIDATION_FILE, type Properties, type PropertyValue } from '../../common/artifacts';
import { blessingVerdict } from '../../common/blessing';
import { formatSlice } from '../../common/format';
import { stepStateOf, type StepState } from '../../common/stepStates';
import type { ComponentCatalog } from '../definition/componentCatalog';
import { registryCatalog } from '../components/registryCatalog';
import { readSchemaArtifact } from '../data/schemaInference';
import { stringDomainOf, type Schema, type SchemaFeature } from '../data/schemaTypes';
import { UsageError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import type { ArtifactEvent, ExecutionDetail, ExecutionSummary, RunSummary } from '../metadata/types';
import { compareArtifactContent } from './artifactFiles';

export interface RunRef {
  /** The run's context id (what the server's requests take). */
  runContextId: number;
  /** The run id, as `mlpipe runs` lists it. */
  name: string;
  pipeline: string;
  createTime: number;
  state: RunSummary['state'];
}

export interface StepSide {
  executionId: number;
  type: string;
  state: StepState;
  durationMs: number;
  /** True when the step's outputs came from the cache (MLMD state CACHED): nothing ran. */
  cached: boolean;
  error?: string;
}

export interface ParamDiff {
  name: string;
  /** Absent when the param was not recorded on that side. */
  left?: PropertyValue;
  right?: PropertyValue;
  changed: boolean;
}

/** `same-artifact`: both runs use the very same MLMD artifact (a cache hit); otherwise decided from the files. */
export type OutputVerdict = 'same-artifact' | 'same-content' | 'different-content' | 'unknown' | 'only-left' | 'only-right';

export interface ArtifactRef {
  artifactId: number;
  type: string;
  uri: string;
}

export interface OutputDiff {
  key: string;
  type: string;
  left?: ArtifactRef;
  right?: ArtifactRef;
  verdict: OutputVerdict;
  /** How the verdict was reached, in words. */
  how: string;
}

export interface ThresholdRef {
  lowerBound?: number;
  upperBound?: number;
  change?: { direction: 'higher_is_better' | 'lower_is_better'; absolute?: number; relative?: number };
}

export interface MetricDelta {
  /** 'Overall' or the slice as people read it ("Island = Biscoe"). */
  slice: string;
  metric: string;
  left?: number;
  right?: number;
  /** right − left, when both exist. */
  delta?: number;
  threshold?: ThresholdRef;
  /** Whether each side's value passes the threshold's bounds (undefined without bounds). */
  leftPasses?: boolean;
  rightPasses?: boolean;
}

export interface MetricsDiff {
  /** The ModelEvaluation artifacts compared. */
  left?: number;
  right?: number;
  blessed: { left: boolean | null; right: boolean | null };
  deltas: MetricDelta[];
  /** Why metrics could not be read on a side (a TFX evaluation's TFRecord files, a missing folder). */
  note?: string;
}

export interface FeatureChange {
  feature: string;
  kind: 'added' | 'removed' | 'type' | 'domain' | 'presence';
  left?: string;
  right?: string;
}

export interface SchemaDiff {
  left?: number;
  right?: number;
  changes: FeatureChange[];
  note?: string;
}

export interface AnomalyChange extends AnomalySummaryRow {
  change: 'appeared' | 'went-away';
}

export interface AnomaliesDiff {
  left?: number;
  right?: number;
  changes: AnomalyChange[];
  /** Anomalies present in both runs (unchanged), counted. */
  unchanged: number;
  note?: string;
}

export interface ComponentDiff {
  nodeId: string;
  type: string;
  left?: StepSide;
  right?: StepSide;
  params: ParamDiff[];
  outputs: OutputDiff[];
  metrics?: MetricsDiff;
  schema?: SchemaDiff;
  anomalies?: AnomaliesDiff;
  /** The ExampleStatistics artifacts of both runs: the statistics comparison opens on them. */
  statistics?: { key: string; left: number; right: number };
  /** True when anything above differs (the panel's "only differences" keeps these). */
  changed: boolean;
}

export interface RunDiff {
  left: RunRef;
  right: RunRef;
  /** Runs of different pipelines are compared too, their components matched by id. */
  samePipeline: boolean;
  components: ComponentDiff[];
  summary: {
    /** `<component>.<param>` of every changed param. */
    changedParams: string[];
    /** Components the right run executed (not cached, not skipped). */
    executed: string[];
    /** Components whose outputs differ in content between the runs. */
    differentOutputs: string[];
    /** Metric deltas that are not zero. */
    metricChanges: number;
  };
}

// Properties recorded on executions that are not params: MLMD/TFX bookkeeping (`__…__`), the legacy
// launcher's declared properties, and ours (the component type; what an executor reports back).
const LEGACY_SYSTEM_PROPERTIES = new Set(['component_id', 'pipeline_name', 'pipeline_root', 'run_id', 'state', 'checksum_md5']);
const NOT_PARAMS = new Set(['component_type']);

/** A run by its id, or `<pipeline>/<run id>` when several pipelines have a run of that id. */
export function findRun(store: MetadataStore, ref: string): RunSummary {
  const slash = ref.lastIndexOf('/');
  const pipeline = slash > 0 && !ref.slice(0, slash).includes('/') ? ref.slice(0, slash) : undefined;
  const id = pipeline !== undefined ? ref.slice(slash + 1) : ref;
  const matches: RunSummary[] = [];
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const page = store.listRuns({ limit: 500, offset, ...(pipeline !== undefined ? { pipeline } : {}) });
    matches.push(...page.items.filter((r) => r.name === id || (pipeline === undefined && r.name === ref)));
    offset = page.next;
  }
  if (matches.length === 0) throw new UsageError(`no run ${ref} in ${store.path}`, { hint: 'list the runs and their ids with `mlpipe runs`' });
  if (matches.length > 1) {
    throw new UsageError(`run id ${id} is in ${matches.length} pipelines (${matches.map((m) => m.pipeline).join(', ')})`, { hint: `say which: ${matches.map((m) => `${m.pipeline}/${id}`).join(' or ')}` });
  }
  return matches[0]!;
}

export function runById(store: MetadataStore, runContextId: number): RunSummary {
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const page = store.listRuns({ limit: 500, offset });
    const found = page.items.find((r) => r.id === runContextId);
    if (found) return found;
    offset = page.next;
  }
  throw new UsageError(`no run with context id ${runContextId} in ${store.path}`, { hint: 'refresh the Runs view: the database may have been replaced' });
}

/** The run of the same pipeline just before `run` (by start time); undefined for its first run. */
export function previousRun(store: MetadataStore, run: RunSummary): RunSummary | undefined {
  let seen = false;
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const page = store.listRuns({ pipeline: run.pipeline, limit: 500, offset });
    for (const r of page.items) {
      if (seen) return r;
      if (r.id === run.id) seen = true;
    }
    offset = page.next;
  }
  return undefined;
}

function runRef(r: RunSummary): RunRef {
  return { runContextId: r.id, name: r.name, pipeline: r.pipeline, createTime: r.createTime, state: r.state };
}

/** The newest execution of each node in a run (a run continued with --run-id may hold several). */
function executionsByNode(store: MetadataStore, runContextId: number): Map<string, ExecutionSummary> {
  const out = new Map<string, ExecutionSummary>();
  for (const e of store.runExecutions(runContextId)) {
    const existing = out.get(e.nodeId);
    if (!existing || existing.id < e.id) out.set(e.nodeId, e);
  }
  return out;
}

function side(e: ExecutionSummary): StepSide {
  const s: StepSide = { executionId: e.id, type: e.type, state: stepStateOf(e), durationMs: e.durationMs, cached: e.state === 'CACHED' };
  if (e.error) s.error = e.error;
  return s;
}

/** Which recorded properties of an execution are its params. */
function paramsOf(e: ExecutionSummary, catalog: ComponentCatalog): Properties {
  const componentType = e.customProperties['component_type'];
  const spec = typeof componentType === 'string' ? catalog.get(componentType) : undefined;
  const all: Properties = { ...e.properties, ...e.customProperties };
  const out: Properties = {};
  for (const [name, value] of Object.entries(all)) {
    if (/^__.*__$/.test(name) || NOT_PARAMS.has(name)) continue;
    if (e.properties[name] !== undefined && LEGACY_SYSTEM_PROPERTIES.has(name)) continue;
    // Ours: the spec says what a param is; what an executor reported back (backend, validated …) is not one.
    if (spec && !spec.anyParams && !(name in spec.params)) continue;
    out[name] = value;
  }
  return out;
}

function paramDiffs(left: ExecutionSummary | undefined, right: ExecutionSummary | undefined, catalog: ComponentCatalog): ParamDiff[] {
  const l = left ? paramsOf(left, catalog) : {};
  const r = right ? paramsOf(right, catalog) : {};
  const names = [...new Set([...Object.keys(l), ...Object.keys(r)])].sort();
  return names.map((name) => {
    const d: ParamDiff = { name, changed: !(left && right) ? false : !sameValue(l[name], r[name]) };
    if (l[name] !== undefined) d.left = l[name];
    if (r[name] !== undefined) d.right = r[name];
    if (left && right && (l[name] === undefined) !== (r[name] === undefined)) d.changed = true;
    return d;
  });
}

/** Equal values, JSON-encoded ones compared as data (key order and spacing aside). */
function sameValue(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function outputEvents(detail: ExecutionDetail | undefined): Map<string, ArtifactEvent> {
  const out = new Map<string, ArtifactEvent>();
  for (const ev of detail?.outputs ?? []) {
    if (ev.type !== 'OUTPUT' && ev.type !== 'INTERNAL_OUTPUT' && ev.type !== 'DECLARED_OUTPUT') continue;
    const key = ev.index ? `${ev.key}[${ev.index}]` : ev.key;
    if (!out.has(key)) out.set(key, ev);
  }
  return out;
}

function ref(ev: ArtifactEvent): ArtifactRef {
  return { artifactId: ev.artifact.id, type: ev.artifact.type, uri: ev.artifact.uri };
}

function outputDiffs(left: ExecutionDetail | undefined, right: ExecutionDetail | undefined): OutputDiff[] {
  const l = outputEvents(left);
  const r = outputEvents(right);
  const keys = [...new Set([...l.keys(), ...r.keys()])].sort();
  return keys.map((key) => {
    const a = l.get(key);
    const b = r.get(key);
    if (a && !b) return { key, type: a.artifact.type, left: ref(a), verdict: 'only-left', how: 'only the first run has this output' };
    if (b && !a) return { key, type: b.artifact.type, right: ref(b), verdict: 'only-right', how: 'only the second run has this output' };
    const x = a!;
    const y = b!;
    if (x.artifact.id === y.artifact.id) {
      return { key, type: x.artifact.type, left: ref(x), right: ref(y), verdict: 'same-artifact', how: `both runs use artifact ${x.artifact.id}` };
    }
    const content = compareArtifactContent(x.artifact.uri, y.artifact.uri);
    return { key, type: y.artifact.type, left: ref(x), right: ref(y), verdict: content.verdict, how: content.how };
  });
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

export interface MetricsBlock {
  overall: Record<string, number>;
  slices: Array<{ slice: Record<string, string | number>; metrics: Record<string, number> }>;
}

type ThresholdsFile = Record<string, { lower_bound?: number; upper_bound?: number; change?: ThresholdRef['change'] }>;

export function readMetrics(uri: string): { candidate: MetricsBlock; thresholds: ThresholdsFile } | string {
  const file = join(uri, METRICS_FILE);
  if (!existsSync(file)) {
    if (existsSync(join(uri, 'metrics-00000-of-00001.tfrecord')) || existsSync(join(uri, 'metrics'))) return 'TFMA metrics in TFRecord files are not read here; open them with TFMA';
    return `no ${METRICS_FILE} in ${uri}`;
  }
  try {
    const m = readJson(file) as { candidate?: MetricsBlock };
    if (!m.candidate || typeof m.candidate.overall !== 'object') return `${file} has no candidate metrics`;
    const v = existsSync(join(uri, VALIDATION_FILE)) ? (readJson(join(uri, VALIDATION_FILE)) as { thresholds?: ThresholdsFile }) : {};
    return { candidate: { overall: m.candidate.overall, slices: Array.isArray(m.candidate.slices) ? m.candidate.slices : [] }, thresholds: v.thresholds ?? {} };
  } catch (e) {
    return `${file} cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
}

function thresholdOf(t: ThresholdsFile[string] | undefined): ThresholdRef | undefined {
  if (!t) return undefined;
  const out: ThresholdRef = {};
  if (typeof t.lower_bound === 'number') out.lowerBound = t.lower_bound;
  if (typeof t.upper_bound === 'number') out.upperBound = t.upper_bound;
  if (t.change) out.change = t.change;
  return out;
}

function passes(value: number | undefined, t: ThresholdRef | undefined): boolean | undefined {
  if (value === undefined || !t || (t.lowerBound === undefined && t.upperBound === undefined)) return undefined;
  return (t.lowerBound === undefined || value >= t.lowerBound) && (t.upperBound === undefined || value <= t.upperBound);
}

function metricsDiff(left: ArtifactEvent | undefined, right: ArtifactEvent | undefined, blessings: { left?: ArtifactEvent; right?: ArtifactEvent }): MetricsDiff {
  const diff: MetricsDiff = {
    blessed: { left: blessings.left ? blessingVerdict(blessings.left.artifact.customProperties) : null, right: blessings.right ? blessingVerdict(blessings.right.artifact.customProperties) : null },
    deltas: [],
  };
  if (left) diff.left = left.artifact.id;
  if (right) diff.right = right.artifact.id;
  const l = left ? readMetrics(left.artifact.uri) : undefined;
  const r = right ? readMetrics(right.artifact.uri) : undefined;
  const notes = [typeof l === 'string' ? `first run: ${l}` : '', typeof r === 'string' ? `second run: ${r}` : ''].filter(Boolean);
  if (notes.length) diff.note = notes.join('; ');
  const lm = typeof l === 'object' ? l : undefined;
  const rm = typeof r === 'object' ? r : undefined;
  if (!lm && !rm) return diff;
  const thresholds = { ...(lm?.thresholds ?? {}), ...(rm?.thresholds ?? {}) };
  const rows = (m: MetricsBlock | undefined): Map<string, Record<string, number>> => {
    const out = new Map<string, Record<string, number>>();
    if (!m) return out;
    out.set('Overall', m.overall);
    for (const s of m.slices) if (Object.keys(s.slice).length) out.set(formatSlice(s.slice), s.metrics);
    return out;
  };
  const a = rows(lm?.candidate);
  const b = rows(rm?.candidate);
  for (const slice of [...new Set([...a.keys(), ...b.keys()])]) {
    const x = a.get(slice) ?? {};
    const y = b.get(slice) ?? {};
    for (const metric of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const d: MetricDelta = { slice, metric };
      const lv = x[metric];
      const rv = y[metric];
      if (typeof lv === 'number') d.left = lv;
      if (typeof rv === 'number') d.right = rv;
      if (d.left !== undefined && d.right !== undefined) d.delta = d.right - d.left;
      const t = thresholdOf(thresholds[metric]);
      if (t) {
        d.threshold = t;
        const lp = passes(d.left, t);
        const rp = passes(d.right, t);
        if (lp !== undefined) d.leftPasses = lp;
        if (rp !== undefined) d.rightPasses = rp;
      }
      diff.deltas.push(d);
    }
  }
  return diff;
}

function describeDomain(schema: Schema, f: SchemaFeature): string {
  const sd = stringDomainOf(schema, f);
  if (sd) return `values ${sd.value.join(', ')}`;
  if (f.intDomain) return `int ${f.intDomain.min ?? '-∞'}..${f.intDomain.max ?? '∞'}`;
  if (f.floatDomain) return `float ${f.floatDomain.min ?? '-∞'}..${f.floatDomain.max ?? '∞'}`;
  if (f.boolDomain) return 'bool';
  return 'none';
}

function describePresence(f: SchemaFeature): string {
  const p = f.presence;
  if (!p) return 'optional';
  const parts = [p.minFraction !== undefined ? `min fraction ${p.minFraction}` : '', p.minCount !== undefined ? `min count ${p.minCount}` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'optional';
}

/** Features added or removed, and type, domain and presence changes (tensorflow_metadata's Schema). */
export function schemaChanges(left: Schema, right: Schema): FeatureChange[] {
  const changes: FeatureChange[] = [];
  const l = new Map(left.feature.map((f) => [f.name, f]));
  const r = new Map(right.feature.map((f) => [f.name, f]));
  for (const [name, f] of r) if (!l.has(name)) changes.push({ feature: name, kind: 'added', right: f.type });
  for (const [name, f] of l) if (!r.has(name)) changes.push({ feature: name, kind: 'removed', left: f.type });
  for (const [name, a] of l) {
    const b = r.get(name);
    if (!b) continue;
    if (a.type !== b.type) changes.push({ feature: name, kind: 'type', left: a.type, right: b.type });
    const da = describeDomain(left, a);
    const db = describeDomain(right, b);
    if (da !== db) changes.push({ feature: name, kind: 'domain', left: da, right: db });
    const pa = describePresence(a);
    const pb = describePresence(b);
    if (pa !== pb) changes.push({ feature: name, kind: 'presence', left: pa, right: pb });
  }
  return changes.sort((x, y) => (x.feature < y.feature ? -1 : x.feature > y.feature ? 1 : 0));
}

function schemaDiff(left: ArtifactEvent, right: ArtifactEvent): SchemaDiff {
  const diff: SchemaDiff = { left: left.artifact.id, right: right.artifact.id, changes: [] };
  if (left.artifact.id === right.artifact.id) return diff;
  try {
    diff.changes = schemaChanges(readSchemaArtifact(left.artifact.uri), readSchemaArtifact(right.artifact.uri));
  } catch (e) {
    diff.note = e instanceof Error ? e.message : String(e);
  }
  return diff;
}

function readAnomalyRows(uri: string): AnomalySummaryRow[] | string {
  const file = join(uri, ANOMALIES_SUMMARY_FILE);
  if (!existsSync(file)) return `no ${ANOMALIES_SUMMARY_FILE} in ${uri} (TFDV's SchemaDiff.pb files are not read here)`;
  try {
    const rows = readJson(file);
    return Array.isArray(rows) ? (rows as AnomalySummaryRow[]) : `${file} is not a list of anomalies`;
  } catch (e) {
    return `${file} cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
}

function anomaliesDiff(left: ArtifactEvent, right: ArtifactEvent): AnomaliesDiff {
  const diff: AnomaliesDiff = { left: left.artifact.id, right: right.artifact.id, changes: [], unchanged: 0 };
  const l = readAnomalyRows(left.artifact.uri);
  const r = readAnomalyRows(right.artifact.uri);
  if (typeof l === 'string' || typeof r === 'string') {
    diff.note = typeof l === 'string' ? l : (r as string);
    return diff;
  }
  const key = (a: AnomalySummaryRow) => `${a.split}\u0000${a.feature}\u0000${a.type}`;
  const lk = new Set(l.map(key));
  const rk = new Set(r.map(key));
  for (const a of r) if (!lk.has(key(a))) diff.changes.push({ ...a, change: 'appeared' });
  for (const a of l) if (!rk.has(key(a))) diff.changes.push({ ...a, change: 'went-away' });
  diff.unchanged = r.filter((a) => lk.has(key(a))).length;
  return diff;
}

function byType(events: Map<string, ArtifactEvent>, type: string): ArtifactEvent | undefined {
  for (const ev of events.values()) if (ev.artifact.type === type) return ev;
  return undefined;
}

function componentDiff(nodeId: string, left: ExecutionDetail | undefined, right: ExecutionDetail | undefined, catalog: ComponentCatalog): ComponentDiff {
  const type = (right ?? left)!.type;
  const diff: ComponentDiff = { nodeId, type, params: paramDiffs(left, right, catalog), outputs: outputDiffs(left, right), changed: false };
  if (left) diff.left = side(left);
  if (right) diff.right = side(right);
  const lo = outputEvents(left);
  const ro = outputEvents(right);
  const le = byType(lo, 'ModelEvaluation');
  const re = byType(ro, 'ModelEvaluation');
  if (le || re) diff.metrics = metricsDiff(le, re, { left: byType(lo, 'ModelBlessing'), right: byType(ro, 'ModelBlessing') });
  const ls = byType(lo, 'Schema');
  const rs = byType(ro, 'Schema');
  if (ls && rs) diff.schema = schemaDiff(ls, rs);
  const la = byType(lo, 'ExampleAnomalies');
  const ra = byType(ro, 'ExampleAnomalies');
  if (la && ra) diff.anomalies = anomaliesDiff(la, ra);
  const lst = byType(lo, 'ExampleStatistics');
  const rst = byType(ro, 'ExampleStatistics');
  if (lst && rst) diff.statistics = { key: lst.key, left: lst.artifact.id, right: rst.artifact.id };
  // Executed once and answered from the cache the next time, with the very same outputs, is no change.
  const succeeded = (s: StepSide) => s.state === 'complete' || s.state === 'cached';
  const sameOutputs = diff.outputs.every((o) => o.verdict === 'same-artifact');
  diff.changed =
    !left ||
    !right ||
    (diff.left!.state !== diff.right!.state && !(succeeded(diff.left!) && succeeded(diff.right!) && sameOutputs)) ||
    diff.params.some((p) => p.changed) ||
    diff.outputs.some((o) => o.verdict !== 'same-artifact' && o.verdict !== 'same-content') ||
    (diff.metrics?.deltas.some((d) => d.delta !== 0) ?? false) ||
    (diff.schema?.changes.length ?? 0) > 0 ||
    (diff.anomalies?.changes.length ?? 0) > 0;
  return diff;
}

export interface RunDiffOptions {
  /** Which recorded properties are params: the runtime's registry unless given. */
  catalog?: ComponentCatalog;
}

/** Compare two runs (`left` the earlier or the base, `right` the one looked at); deltas are right − left. */
export function diffRuns(store: MetadataStore, leftRun: RunSummary, rightRun: RunSummary, options: RunDiffOptions = {}): RunDiff {
  const catalog = options.catalog ?? registryCatalog;
  const l = executionsByNode(store, leftRun.id);
  const r = executionsByNode(store, rightRun.id);
  // In the right run's order (the order it ran in), then what only the left run had.
  const order = [...r.values(), ...[...l.values()].filter((e) => !r.has(e.nodeId))].sort((a, b) => (r.has(a.nodeId) === r.has(b.nodeId) ? a.id - b.id : r.has(a.nodeId) ? -1 : 1));
  const components = order.map((e) => {
    const le = l.get(e.nodeId);
    const re = r.get(e.nodeId);
    return componentDiff(e.nodeId, le ? store.execution(le.id) : undefined, re ? store.execution(re.id) : undefined, catalog);
  });
  return {
    left: runRef(leftRun),
    right: runRef(rightRun),
    samePipeline: leftRun.pipeline === rightRun.pipeline,
    components,
    summary: {
      changedParams: components.flatMap((c) => c.params.filter((p) => p.changed).map((p) => `${c.nodeId}.${p.name}`)),
      executed: components.filter((c) => c.right && !c.right.cached && c.right.state !== 'skipped').map((c) => c.nodeId),
      differentOutputs: components.filter((c) => c.outputs.some((o) => o.verdict === 'different-content')).map((c) => c.nodeId),
      metricChanges: components.reduce((n, c) => n + (c.metrics?.deltas.filter((d) => d.delta !== undefined && d.delta !== 0).length ?? 0), 0),
    },
  };
}
