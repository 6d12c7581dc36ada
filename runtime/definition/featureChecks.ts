// The classic mistakes, caught before training: a feature that is id-like (about as many distinct
// values as examples), constant, or that predicts the label perfectly (leakage). Checked on the latest
// raw examples upstream of each Transform (or of a Trainer that reads raw examples), as recorded in
// the metadata store, and reported as warnings on that Transform's or Trainer's line with the numbers.
//
// What is checked, on the train split (else the first split) with DuckDB (data/featureProfile.ts):
// - id-like: a text, date/time or whole-number column with at least 20 values of which >= 95% are distinct;
//   measurements (floats) are naturally all distinct and are not flagged;
// - constant: one distinct value (or none: always missing);
// - leakage: every value of the column goes with exactly one label value while each value covers 5+
//   rows on average (so it is not just rare values), or |Pearson r| >= 0.999 with a numeric label of
//   more than 10 values.
import type { ComponentCatalog } from './componentCatalog';
import type { ComponentIR, PipelineDiagnostic, PipelineIR, SourceRange } from './ir';
import { FILE_START } from './sourcePositions';
import { latestRawExamplesFor, upstreamInOrder, type OutputsReader } from './upstreamData';
import type * as FeatureProfile from '../data/featureProfile';

const ID_LIKE_MIN_VALUES = 20;
const ID_LIKE_RATIO = 0.95;
const LEAK_MIN_ROWS_PER_VALUE = 5;
const LEAK_CORRELATION = 0.999;

const count = (n: number): string => n.toLocaleString('en-US');
const pct = (n: number): string => (n > 0 && n < 0.01 ? '< 1%' : `${(100 * n).toFixed(n >= 0.995 && n < 1 ? 1 : 0)}%`);

function stringParam(c: ComponentIR, key: string): string | undefined {
  const v = c.params[key];
  return typeof v === 'string' && v ? v : undefined;
}

function listParam(c: ComponentIR | undefined, key: string): string[] {
  const v = c?.params[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The range of `name:` inside Transform's `features` mapping, found in the text; else the component's id. */
function featureKeyRange(c: ComponentIR, name: string, text: string | undefined): SourceRange {
  const fallback = c.idRange ?? FILE_START;
  const r = c.paramValueRanges?.['features'];
  if (!text || !r) return fallback;
  const lines = text.split('\n');
  for (let line = r.start.line; line <= r.end.line; line++) {
    const l = lines[line - 1] ?? '';
    for (const written of [name, JSON.stringify(name), `'${name.replace(/'/g, "''")}'`]) {
      const at = l.indexOf(written);
      if (at >= 0 && /^\s*:/.test(l.slice(at + written.length))) {
        return { start: { line, column: at + 1 }, end: { line, column: at + written.length + 1 } };
      }
    }
  }
  return fallback;
}

interface Target {
  comp: ComponentIR;
  label?: string;
  /** Columns the model will see, or undefined for "all but the label and the excluded". */
  only?: Set<string>;
  exclude: Set<string>;
}

function targets(p: PipelineIR): Target[] {
  const out = new Map<string, Target>();
  const enabled = p.components.filter((c) => c.enabled);
  for (const trainer of enabled.filter((c) => c.type === 'Trainer')) {
    const transform = upstreamInOrder(p.components, trainer.id).find((c) => c.type === 'Transform') as ComponentIR | undefined;
    const comp = transform ?? trainer;
    const existing = out.get(comp.id);
    const exclude = new Set([...listParam(trainer, 'exclude'), ...(existing?.exclude ?? [])]);
    out.set(comp.id, { comp, label: stringParam(trainer, 'label') ?? (transform && stringParam(transform, 'label')), exclude });
  }
  for (const transform of enabled.filter((c) => c.type === 'Transform')) {
    const t = out.get(transform.id) ?? { comp: transform, label: stringParam(transform, 'label'), exclude: new Set<string>() };
    const features = transform.params['features'];
    if (transform.params['drop'] === true && features && typeof features === 'object' && !Array.isArray(features)) t.only = new Set(Object.keys(features));
    out.set(transform.id, t);
  }
  return [...out.values()];
}

export interface FeatureCheckOptions {
  /** The component specs (the registry, which the caller passes: definition/ never loads it). */
  catalog: ComponentCatalog;
  /** The pipeline's text, to point at a feature's own line under Transform's `features`. */
  text?: string;
}

/** Warnings about features of the latest examples upstream of each Transform / Trainer. Never throws. */
export async function featureCheckDiagnostics(p: PipelineIR, store: OutputsReader, opts: FeatureCheckOptions): Promise<PipelineDiagnostic[]> {
  const out: PipelineDiagnostic[] = [];
  const catalog = opts.catalog;
  let profiler: typeof FeatureProfile | undefined;
  for (const t of targets(p)) {
    const examples = latestRawExamplesFor(store, p.name, p.components, t.comp.id, catalog);
    if (!examples) continue; // never ran: nothing to say yet
    let profile: FeatureProfile.ExamplesProfile;
    try {
      profiler ??= require('../data/featureProfile') as typeof FeatureProfile;
      profile = await profiler.profileExamples(examples.file, t.label);
    } catch {
      continue; // an unreadable artifact is the run's problem, not a typing-time warning
    }
    const where = `${examples.split} split of ${examples.node}'s latest examples (artifact ${examples.artifact.id})`;
    const add = (name: string, code: string, message: string, hint: string): void => {
      const listed = t.comp.type === 'Transform' && t.comp.paramValueRanges?.['features'] !== undefined;
      out.push({ file: p.file, severity: 'warning', code, component: t.comp.id, range: listed ? featureKeyRange(t.comp, name, opts.text) : (t.comp.idRange ?? FILE_START), message, hint });
    };
    const leaveOut =
      t.comp.type === 'Transform'
        ? (name: string) => `Leave \`${name}\` out of the model: list the features you want and set \`drop: true\`, or add it to the Trainer's \`exclude\`.`
        : (name: string) => `Leave \`${name}\` out of the model: \`exclude: [${JSON.stringify(name)}]\` under the Trainer's params.`;
    for (const c of profile.columns) {
      if (c.name === t.label || t.exclude.has(c.name) || (t.only && !t.only.has(c.name))) continue;
      const isText = !profiler.isNumericType(c.type) && !/DATE|TIME/i.test(c.type);
      if (c.nonMissing === 0) {
        add(c.name, 'feature-constant', `Feature \`${c.name}\` is always missing: no value in ${count(profile.rows)} examples (${where})`, leaveOut(c.name));
        continue;
      }
      if (c.distinct === 1) {
        // Say how much of the data it is present in: a value in 1 of 10,021 examples is mostly missing,
        // not a constant column, and the user decides differently about the two.
        const present = c.nonMissing === profile.rows ? `in all ${count(profile.rows)} examples` : `where present (${count(c.nonMissing)} of ${count(profile.rows)} examples, ${pct(c.nonMissing / profile.rows)})`;
        add(c.name, 'feature-constant', `Feature \`${c.name}\` is constant: 1 distinct value ${present} (${where}); it carries no signal`, leaveOut(c.name));
        continue;
      }
      if ((isText || profiler.isIntegerType(c.type) || /DATE|TIME/i.test(c.type)) && c.nonMissing >= ID_LIKE_MIN_VALUES && c.distinct >= ID_LIKE_RATIO * c.nonMissing) {
        add(
          c.name,
          'feature-id-like',
          `Feature \`${c.name}\` looks like an id: ${count(c.distinct)} distinct values in ${count(c.nonMissing)} examples (${pct(c.distinct / c.nonMissing)}, ${where}); the model would memorise rows instead of learning`,
          `${leaveOut(c.name)} Or derive a coarser feature from it (a month from a date, a prefix from a code).`,
        );
        continue;
      }
      const v = c.vsLabel;
      if (!v || t.label === undefined) continue;
      const categoricalLeak = v.groups >= 2 && v.mixed === 0 && v.rows >= ID_LIKE_MIN_VALUES && v.groups * LEAK_MIN_ROWS_PER_VALUE <= v.rows;
      const linearLeak = v.correlation !== undefined && Math.abs(v.correlation) >= LEAK_CORRELATION && (profile.labelDistinct ?? 0) > 10;
      if (categoricalLeak || linearLeak) {
        add(
          c.name,
          'feature-leakage',
          categoricalLeak
            ? `Feature \`${c.name}\` predicts the label \`${t.label}\` perfectly: each of its ${count(v.groups)} values goes with exactly one label value in ${count(v.rows)} examples (${where}); it probably encodes the answer (leakage)`
            : `Feature \`${c.name}\` predicts the label \`${t.label}\` perfectly: correlation ${v.correlation!.toFixed(4)} over ${count(v.rows)} examples (${where}); it probably encodes the answer (leakage)`,
          `${leaveOut(c.name)} A feature that is known only with the label will not be there when the model is used.`,
        );
      }
    }
  }
  return out;
}
