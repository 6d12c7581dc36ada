// Transform analysis: analyse the declared preprocessing on one split (train), store the constants as
// a TransformProgram, and write every split through the same applyTransform the served model uses. A
// library over folders and options: the Transform executor (components/transform.executor.ts) drives it.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { EXAMPLES_FILE, TRANSFORM_GRAPH_FILE, splitDir } from '../../common/artifacts';
import { ComponentError } from '../components/spec';
import { describeRelation, queryRows, quoteIdent, quoteString, withDuckDb } from './duckdbEngine';
import {
  applyTransform,
  categoryKey,
  compileCustomHook,
  toNumber,
  transformedFeatureInfo,
  TRANSFORM_PROGRAM_VERSION,
  type FeatureOp,
  type LabelEncoding,
  type RawRow,
  type RowHook,
  type TransformProgram,
  type TransformedFeatureInfo,
} from './transformProgram';

const OPS = ['zscore', 'minmax', 'log', 'bucketize', 'vocabulary', 'onehot', 'fill'] as const;
type OpName = (typeof OPS)[number];

export interface FeatureRequest {
  source: string;
  op: OpName;
  name: string;
  buckets: number;
  topK?: number;
  numOovBuckets: number;
  fill?: number | string;
}

/** params.features → validated requests (a string op or an object {op, buckets, top_k, num_oov_buckets, fill, name}). */
export function parseFeatureRequests(raw: unknown): FeatureRequest[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ComponentError('params.features must be a map of feature name to operation', 'e.g. features: {"Beak Length (mm)": zscore, island: vocabulary}');
  return Object.entries(raw as Record<string, unknown>).map(([source, spec]) => {
    const obj = typeof spec === 'string' ? { op: spec } : spec;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ComponentError(`params.features.${source} must be an operation name or an object with op`);
    const o = obj as Record<string, unknown>;
    const op = o['op'];
    if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
      throw new ComponentError(`params.features.${source}: unknown operation ${JSON.stringify(op)}`, `use one of ${OPS.join(', ')}`);
    }
    const int = (key: string, fallback: number | undefined, min: number): number | undefined => {
      const v = o[key];
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ComponentError(`params.features.${source}.${key} must be an integer ≥ ${min}`);
      return v;
    };
    const fill = o['fill'];
    if (fill !== undefined && typeof fill !== 'number' && typeof fill !== 'string') throw new ComponentError(`params.features.${source}.fill must be a number, a string, or mean/median/mode`);
    const name = typeof o['name'] === 'string' && o['name'] !== '' ? (o['name'] as string) : source;
    return { source, op: op as OpName, name, buckets: int('buckets', 10, 2) as number, topK: int('top_k', undefined, 1), numOovBuckets: int('num_oov_buckets', 1, 1) as number, fill };
  });
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function quantileBoundaries(sorted: number[], buckets: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < buckets; i++) {
    if (sorted.length === 0) break;
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i / buckets) * sorted.length))] as number;
    if (out.length === 0 || v > (out[out.length - 1] as number)) out.push(v);
  }
  return out;
}

function frequencies(rows: RawRow[], source: string): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = categoryKey(r[source]);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  // Most frequent first; ties by value so the vocabulary is deterministic.
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function numericValues(rows: RawRow[], source: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const n = toNumber(r[source]);
    if (n !== null && Number.isFinite(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

function resolveFill(req: FeatureRequest, values: number[], fallback: 'mean' | 'median'): number {
  const f = req.fill ?? fallback;
  if (typeof f === 'number') return f;
  if (f === 'mean') return values.length ? values.reduce((s, x) => s + x, 0) / values.length : 0;
  if (f === 'median') return median(values);
  if (f === 'mode') {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  }
  const n = Number(f);
  if (Number.isFinite(n)) return n;
  throw new ComponentError(`params.features.${req.source}.fill ${JSON.stringify(f)} is not a number or mean/median/mode`);
}

/** Analyse requests on rows (the analysis split, after any custom hook) into a program. */
export function analyse(
  rows: RawRow[],
  requests: FeatureRequest[],
  options: { label?: string; passthrough: Array<{ name: string; numeric: boolean }>; columns: Set<string> },
): TransformProgram {
  const features: FeatureOp[] = [];
  for (const req of requests) {
    if (!options.columns.has(req.source)) {
      throw new ComponentError(`params.features names ${JSON.stringify(req.source)}, which is not a column`, `columns are: ${[...options.columns].slice(0, 30).join(', ')}`);
    }
    const base = { name: req.name, source: req.source };
    switch (req.op) {
      case 'zscore': {
        const v = numericValues(rows, req.source);
        const mean = v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
        const std = v.length ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) : 1;
        features.push({ op: 'zscore', ...base, mean, std, fill: resolveFill(req, v, 'mean') });
        break;
      }
      case 'minmax': {
        const v = numericValues(rows, req.source);
        features.push({ op: 'minmax', ...base, min: v[0] ?? 0, max: v[v.length - 1] ?? 0, fill: resolveFill(req, v, 'median') });
        break;
      }
      case 'log': {
        const v = numericValues(rows, req.source);
        features.push({ op: 'log', ...base, fill: resolveFill(req, v, 'median') });
        break;
      }
      case 'bucketize': {
        const v = numericValues(rows, req.source);
        features.push({ op: 'bucketize', ...base, boundaries: quantileBoundaries(v, req.buckets), fill: resolveFill(req, v, 'median') });
        break;
      }
      case 'vocabulary':
      case 'onehot': {
        const freq = frequencies(rows, req.source);
        const vocabulary = (req.topK ? freq.slice(0, req.topK) : freq).map(([v]) => v);
        features.push({ op: req.op, ...base, vocabulary, numOovBuckets: req.numOovBuckets });
        break;
      }
      case 'fill': {
        const numeric = rows.some((r) => typeof r[req.source] === 'number' || typeof r[req.source] === 'bigint');
        if (typeof req.fill === 'string' && !['mean', 'median', 'mode'].includes(req.fill)) features.push({ op: 'fill', ...base, fill: req.fill });
        else if (numeric) features.push({ op: 'fill', ...base, fill: resolveFill(req, numericValues(rows, req.source), 'median') });
        else features.push({ op: 'fill', ...base, fill: frequencies(rows, req.source)[0]?.[0] ?? '' });
        break;
      }
    }
  }
  for (const p of options.passthrough) features.push({ op: 'passthrough', name: p.name, source: p.name, numeric: p.numeric });
  let label: LabelEncoding | undefined;
  if (options.label) {
    if (!options.columns.has(options.label)) throw new ComponentError(`params.label ${JSON.stringify(options.label)} is not a column`, `columns are: ${[...options.columns].slice(0, 30).join(', ')}`);
    const values = rows.map((r) => r[options.label as string]).filter((v) => v !== null && v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean');
    label = numeric
      ? { kind: 'numeric', name: options.label, source: options.label }
      : { kind: 'classes', name: options.label, source: options.label, classes: [...new Set(values.map((v) => categoryKey(v) as string))].sort() };
  }
  const names = new Set<string>();
  for (const f of features) {
    if (names.has(f.name)) throw new ComponentError(`two transformed features are named ${JSON.stringify(f.name)}`, 'give one of them another `name:`');
    names.add(f.name);
  }
  if (label && names.has(label.name)) throw new ComponentError(`the label ${label.name} is also listed as a feature`, 'remove it from params.features');
  return { version: TRANSFORM_PROGRAM_VERSION, features, ...(label ? { label } : {}), analysedRows: rows.length };
}

/** DuckDB column type of each transformed feature. */
function duckTypeOf(info: TransformedFeatureInfo): string {
  switch (info.kind) {
    case 'numeric':
      return 'DOUBLE';
    case 'categorical':
      return 'BIGINT';
    case 'onehot':
      return 'DOUBLE[]';
    case 'passthrough':
      return info.numeric ? 'DOUBLE' : 'VARCHAR';
  }
}

/** A custom transform module bundled into one self-contained text, as the TransformProgram stores it. */
export interface BundledModule {
  module: string;
  sha256: string;
  code: string;
}

/** Bundle the workspace module `modulePath` (relative to `pipelineDir`); only in a trusted workspace. */
export async function bundleTransformModule(modulePath: string, where: { pipelineDir: string; trusted: boolean }): Promise<BundledModule> {
  if (!where.trusted) {
    throw new ComponentError('params.module runs code from the workspace, which is not trusted', 'trust the workspace (or run with trusted: true) to use a custom transform module');
  }
  const abs = isAbsolute(modulePath) ? modulePath : resolve(where.pipelineDir, modulePath);
  if (!existsSync(abs)) throw new ComponentError(`module not found: ${modulePath}`, `create it, or fix params.module (relative to ${where.pipelineDir})`);
  try {
    // Fully bundled (no externals) so the served model can evaluate it without a module system.
    const result = await build({ entryPoints: [abs], bundle: true, platform: 'neutral', format: 'cjs', target: 'es2020', write: false, logLevel: 'silent', mainFields: ['main', 'module'] });
    const code = result.outputFiles[0]?.text ?? '';
    return { module: modulePath, sha256: createHash('sha256').update(code).digest('hex'), code };
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new ComponentError(`${where}${first?.text ?? String(err)}`, 'fix the transform module so that it compiles');
  }
}

function runHook(hook: RowHook | undefined, rows: RawRow[], modulePath: string): RawRow[] {
  if (!hook) return rows;
  return rows.map((r, i) => {
    try {
      return hook(r);
    } catch (err) {
      throw new ComponentError(`${modulePath}: the transform hook failed on row ${i + 1}: ${(err as Error).message}`, 'fix the module; it receives one raw row object and returns one');
    }
  });
}

function isNumericType(duckType: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|BOOLEAN|DECIMAL.*)$/i.test(duckType);
}

/** One Transform job: what to analyse, how, and where the graph and the transformed splits go. */
export interface TransformJob {
  /** The Examples artifact's folder (`Split-<name>/data.parquet`). */
  examplesUri: string;
  splits: readonly string[];
  /** The split the constants are analysed on (train). */
  analyzeSplit: string;
  requests: FeatureRequest[];
  label?: string;
  /** Leave out the columns no request names (else they pass through). */
  drop: boolean;
  custom?: BundledModule;
  /** Folder for transform_graph.json. */
  graphUri: string;
  /** Folder for the transformed `Split-<name>/data.parquet`. */
  examplesOutUri: string;
  /** Scratch folder (DuckDB spills, intermediate JSON lines). */
  tmpDir: string;
  signal: AbortSignal;
  log(line: string): void;
  onSplit?(split: string, index: number, rows: number): void;
}

/** Analyse the requested preprocessing on the analysed split, write the program, and transform every split with it. */
export async function transformSplits(job: TransformJob): Promise<void> {
  const { examplesUri, splits, analyzeSplit, requests, label, drop, custom } = job;
  await withDuckDb(
    async (con) => {
      const fileOf = (split: string): string => join(examplesUri, splitDir(split), EXAMPLES_FILE);
      const readSplit = async (split: string): Promise<{ rows: RawRow[]; types: Map<string, string> }> => {
        const rel = `read_parquet(${quoteString(fileOf(split))})`;
        const cols = await describeRelation(con, rel);
        return { rows: await queryRows(con, `SELECT * FROM ${rel}`), types: new Map(cols.map((c) => [c.name, c.type])) };
      };
      const train = await readSplit(analyzeSplit);
      let hook: RowHook | undefined;
      let programShell: TransformProgram | undefined;
      if (custom) {
        programShell = { version: TRANSFORM_PROGRAM_VERSION, features: [], custom, analysedRows: 0 };
        try {
          hook = compileCustomHook(programShell);
        } catch (err) {
          throw new ComponentError(`${custom.module}: ${(err as Error).message}`, 'export default (row) => ({ ...row, derived: … })');
        }
      }
      const trainRows = runHook(hook, train.rows, custom?.module ?? '');
      const columns = new Set<string>([...train.types.keys()]);
      for (const r of trainRows.slice(0, 100)) for (const k of Object.keys(r)) columns.add(k);
      const listed = new Set(requests.map((r) => r.source));
      const passthrough = drop
        ? []
        : [...columns]
            .filter((c) => !listed.has(c) && c !== label)
            .map((c) => {
              const t = train.types.get(c);
              const numeric = t !== undefined ? isNumericType(t) : trainRows.some((r) => typeof r[c] === 'number');
              return { name: c, numeric };
            });
      const analysed = analyse(trainRows, requests, { label, passthrough, columns });
      const program: TransformProgram = custom ? { ...analysed, custom } : analysed;
      writeFileSync(join(job.graphUri, TRANSFORM_GRAPH_FILE), `${JSON.stringify(program, null, 1)}\n`);
      const infos = transformedFeatureInfo(program);
      job.log(`analysed ${program.analysedRows} ${analyzeSplit} rows: ${infos.map((i) => `${i.name} (${i.kind}${i.isLabel ? ', label' : ''})`).join(', ')}`);

      const columnsSpec = infos.map((i) => `${quoteString(i.name)}: ${quoteString(duckTypeOf(i))}`).join(', ');
      for (const [k, split] of splits.entries()) {
        if (job.signal.aborted) throw new Error('canceled');
        const raw = split === analyzeSplit ? train.rows : (await readSplit(split)).rows;
        // Same function as serving: the hook runs inside applyTransform here, as it will in the model.
        const transformed = applyTransform(program, raw, hook);
        const jsonl = join(job.tmpDir, `transformed-${k}.jsonl`);
        await new Promise<void>((done, fail) => {
          const ws = createWriteStream(jsonl);
          ws.on('error', fail);
          for (const row of transformed) ws.write(`${JSON.stringify(row)}\n`);
          ws.end(done);
        });
        const dir = join(job.examplesOutUri, splitDir(split));
        mkdirSync(dir, { recursive: true });
        const select = infos.map((i) => quoteIdent(i.name)).join(', ');
        const source = transformed.length > 0
          ? `read_json(${quoteString(jsonl)}, format='newline_delimited', columns={${columnsSpec}})`
          : `(SELECT ${infos.map((i) => `NULL::${duckTypeOf(i)} AS ${quoteIdent(i.name)}`).join(', ')} WHERE false)`;
        await con.run(`COPY (SELECT ${select} FROM ${source}) TO ${quoteString(join(dir, EXAMPLES_FILE))} (FORMAT parquet)`);
        job.log(`split ${split}: ${transformed.length} rows transformed`);
        job.onSplit?.(split, k, transformed.length);
      }
    },
    { tmpDir: job.tmpDir, signal: job.signal },
  );
}
