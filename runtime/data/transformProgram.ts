// The TransformGraph payload (`transform_graph.json`): a small JSON program holding every constant the
// Transform component analysed on the train split, and the ONE function that applies it. Transform uses
// it to write transformed examples, and the served model uses it on raw records, so training and serving
// cannot skew (TFX's transform_fn, without a SavedModel). Pure: no DuckDB, no Node-only imports.

export const TRANSFORM_PROGRAM_VERSION = 1;

/** A raw value as it arrives from Parquet rows (DuckDB → JS) or from a JSON request at serving time. */
export type RawValue = string | number | bigint | boolean | null | undefined | Date;
export type RawRow = Record<string, unknown>;

/** A transformed value: scalars for numeric/categorical features, a vector for one-hot, raw text for pass-through strings. */
export type TransformedValue = number | number[] | string | null;
export type TransformedRow = Record<string, TransformedValue>;

/** One feature's analysed operation. `source` is the raw column; `name` the output column (same by default). */
export type FeatureOp =
  /** (x − mean) / std; missing → `fill` before scaling (default: mean, i.e. 0 after scaling). std 0 → 1. */
  | { op: 'zscore'; name: string; source: string; mean: number; std: number; fill: number }
  /** (x − min) / (max − min) into [0, 1] on train; other splits may fall outside. */
  | { op: 'minmax'; name: string; source: string; min: number; max: number; fill: number }
  /** ln(1 + max(x, 0)): a log for non-negative skewed features (counts, prices). */
  | { op: 'log'; name: string; source: string; fill: number }
  /** Bucket index in [0, boundaries.length]: the number of boundaries ≤ x (tft.apply_buckets). */
  | { op: 'bucketize'; name: string; source: string; boundaries: number[]; fill: number }
  /** Index into `vocabulary` (most frequent first); unknown or missing → vocabulary.length + oov bucket. */
  | { op: 'vocabulary'; name: string; source: string; vocabulary: string[]; numOovBuckets: number }
  /** A 0/1 vector of width vocabulary.length + numOovBuckets. */
  | { op: 'onehot'; name: string; source: string; vocabulary: string[]; numOovBuckets: number }
  /** The value itself with missing replaced; numeric when `fill` is a number. */
  | { op: 'fill'; name: string; source: string; fill: number | string }
  /** Untouched (features not listed, unless params.drop). Numbers stay numbers, other values become text. */
  | { op: 'passthrough'; name: string; source: string; numeric: boolean };

/** How the label is encoded: class strings to indices (classification) or a number (regression). */
export type LabelEncoding =
  | { kind: 'classes'; name: string; source: string; classes: string[] }
  | { kind: 'numeric'; name: string; source: string };

export interface TransformProgram {
  version: typeof TRANSFORM_PROGRAM_VERSION;
  features: FeatureOp[];
  label?: LabelEncoding;
  /**
   * A custom row hook (params.module), bundled to CommonJS source so the served model can run it too.
   * Applied to each raw row before the features above. Evaluate only in trusted workspaces.
   */
  custom?: { module: string; sha256: string; code: string };
  /** Rows the analysis saw (train split), for the record. */
  analysedRows: number;
}

export type FeatureKind = 'numeric' | 'categorical' | 'onehot' | 'passthrough';

export interface TransformedFeatureInfo {
  /** Output column name in the transformed examples and in applyTransform's rows. */
  name: string;
  source: string;
  kind: FeatureKind;
  /** categorical: number of distinct indices (vocabulary + OOV buckets, or boundaries + 1). */
  vocabularySize?: number;
  /** onehot: vector width. */
  width?: number;
  /** passthrough: whether values are numbers (else strings). */
  numeric?: boolean;
  isLabel: boolean;
  /** Label classes in index order (classification labels only). */
  classes?: string[];
}

/** Output features of a program, label last, so a Trainer can size its inputs. */
export function transformedFeatureInfo(program: TransformProgram): TransformedFeatureInfo[] {
  const out: TransformedFeatureInfo[] = program.features.map((f): TransformedFeatureInfo => {
    switch (f.op) {
      case 'zscore':
      case 'minmax':
      case 'log':
        return { name: f.name, source: f.source, kind: 'numeric', isLabel: false };
      case 'fill':
        return typeof f.fill === 'number'
          ? { name: f.name, source: f.source, kind: 'numeric', isLabel: false }
          : { name: f.name, source: f.source, kind: 'passthrough', numeric: false, isLabel: false };
      case 'bucketize':
        return { name: f.name, source: f.source, kind: 'categorical', vocabularySize: f.boundaries.length + 1, isLabel: false };
      case 'vocabulary':
        return { name: f.name, source: f.source, kind: 'categorical', vocabularySize: f.vocabulary.length + Math.max(1, f.numOovBuckets), isLabel: false };
      case 'onehot':
        return { name: f.name, source: f.source, kind: 'onehot', width: f.vocabulary.length + Math.max(1, f.numOovBuckets), isLabel: false };
      case 'passthrough':
        return { name: f.name, source: f.source, kind: 'passthrough', numeric: f.numeric, isLabel: false };
    }
  });
  const label = program.label;
  if (label) {
    out.push(
      label.kind === 'classes'
        ? { name: label.name, source: label.source, kind: 'categorical', vocabularySize: label.classes.length, isLabel: true, classes: label.classes }
        : { name: label.name, source: label.source, kind: 'numeric', isLabel: true },
    );
  }
  return out;
}

/** A raw value as a number, or null when missing/unparseable. NaN counts as missing (it gets filled). */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() / 1000;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/**
 * The category key of a raw value: the same text whether the value came from Parquet (number, bigint)
 * or from a JSON request (string), so a vocabulary built on train matches at serving time.
 */
export function categoryKey(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** FNV-1a 32-bit over UTF-16 code units: stable everywhere, used to spread OOV values over buckets. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function vocabIndex(vocabulary: string[], lookup: Map<string, number>, numOov: number, v: unknown): number {
  const key = categoryKey(v);
  if (key !== null) {
    const i = lookup.get(key);
    if (i !== undefined) return i;
  }
  const buckets = Math.max(1, numOov);
  return vocabulary.length + (key === null ? 0 : fnv1a32(key) % buckets);
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

export type RowHook = (row: RawRow) => RawRow;

/**
 * Apply a program to raw rows. Columns are looked up by `source`; output rows hold exactly the program's
 * output features (and the label when present in the row). Pass `hook` (from compileCustomHook) when the
 * program has a custom module; without it such a program is refused rather than silently skewed.
 */
export function applyTransform(program: TransformProgram, rows: RawRow[], hook?: RowHook): TransformedRow[] {
  if (program.custom && !hook) {
    throw new Error(`this transform program needs its custom hook (${program.custom.module}); compile it with compileCustomHook() in a trusted workspace`);
  }
  const lookups = new Map<FeatureOp, Map<string, number>>();
  for (const f of program.features) {
    if (f.op === 'vocabulary' || f.op === 'onehot') lookups.set(f, new Map(f.vocabulary.map((v, i) => [v, i])));
  }
  const label = program.label;
  const classLookup = label?.kind === 'classes' ? new Map(label.classes.map((c, i) => [c, i])) : undefined;
  return rows.map((input) => {
    const row = hook ? hook({ ...input }) : input;
    const out: TransformedRow = {};
    for (const f of program.features) {
      const raw = row[f.source];
      switch (f.op) {
        case 'zscore': {
          const x = toNumber(raw) ?? f.fill;
          out[f.name] = finite((x - f.mean) / (f.std > 0 ? f.std : 1));
          break;
        }
        case 'minmax': {
          const x = toNumber(raw) ?? f.fill;
          const span = f.max - f.min;
          out[f.name] = finite(span > 0 ? (x - f.min) / span : 0);
          break;
        }
        case 'log': {
          const x = toNumber(raw) ?? f.fill;
          out[f.name] = finite(Math.log1p(Math.max(x, 0)));
          break;
        }
        case 'bucketize': {
          const x = toNumber(raw) ?? f.fill;
          let i = 0;
          while (i < f.boundaries.length && (f.boundaries[i] as number) <= x) i++;
          out[f.name] = i;
          break;
        }
        case 'vocabulary':
          out[f.name] = vocabIndex(f.vocabulary, lookups.get(f) as Map<string, number>, f.numOovBuckets, raw);
          break;
        case 'onehot': {
          const width = f.vocabulary.length + Math.max(1, f.numOovBuckets);
          const vec = new Array<number>(width).fill(0);
          vec[vocabIndex(f.vocabulary, lookups.get(f) as Map<string, number>, f.numOovBuckets, raw)] = 1;
          out[f.name] = vec;
          break;
        }
        case 'fill':
          if (typeof f.fill === 'number') out[f.name] = finite(toNumber(raw) ?? f.fill);
          else out[f.name] = categoryKey(raw) ?? f.fill;
          break;
        case 'passthrough':
          out[f.name] = f.numeric ? toNumber(raw) : categoryKey(raw);
          break;
      }
    }
    if (label && label.source in row) {
      const raw = row[label.source];
      if (label.kind === 'numeric') out[label.name] = toNumber(raw);
      else {
        const key = categoryKey(raw);
        out[label.name] = key === null ? null : classLookup?.get(key) ?? -1;
      }
    }
    return out;
  });
}

/**
 * Turn the program's bundled custom module into a row hook. It runs user code: call it only when the
 * workspace is trusted. The module's default export (or `transform` export) maps a raw row to a raw row.
 */
export function compileCustomHook(program: TransformProgram): RowHook | undefined {
  if (!program.custom) return undefined;
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  // The bundle is CommonJS without external imports (esbuild bundled it), so module/exports suffice.
  const factory = new Function('module', 'exports', program.custom.code) as (m: typeof mod, e: Record<string, unknown>) => void;
  factory(mod, mod.exports);
  const candidate = (mod.exports['default'] ?? mod.exports['transform'] ?? mod.exports) as unknown;
  if (typeof candidate !== 'function') throw new Error(`custom transform module ${program.custom.module} has no default export function (row) => row`);
  const fn = candidate as (row: RawRow) => unknown;
  return (row) => {
    const result = fn(row);
    if (result === null || typeof result !== 'object' || Array.isArray(result)) {
      throw new Error(`custom transform module ${program.custom?.module} must return a row object, got ${result === null ? 'null' : typeof result}`);
    }
    return result as RawRow;
  };
}

/** Check a parsed transform_graph.json before use; throws with what is wrong. */
export function parseTransformProgram(text: string): TransformProgram {
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object') throw new Error('transform_graph.json is not a JSON object');
  const p = parsed as Partial<TransformProgram>;
  if (p.version !== TRANSFORM_PROGRAM_VERSION) throw new Error(`transform_graph.json has version ${String(p.version)}, expected ${TRANSFORM_PROGRAM_VERSION}`);
  if (!Array.isArray(p.features)) throw new Error('transform_graph.json has no features list');
  return p as TransformProgram;
}
