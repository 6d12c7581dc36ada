// Schemas: infer one from statistics (as TFDV's infer_schema does), read a curated schema.json or TFX
// schema.pbtxt, write one. A library over files: the SchemaGen and SchemaImporter executors
// (components/schemaGen.executor.ts, schemaImporter.executor.ts) drive it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { SCHEMA_FILE } from '../../common/artifacts';
import { ComponentError } from '../components/spec';
import { camelCaseKeys, parseProtoText, ProtoTextError } from './protoText';
import type { Schema, SchemaFeature, SchemaFeatureType, StringDomain } from './schemaTypes';
import { commonStatsOf, featureName, type DatasetFeatureStatistics } from './statisticsTypes';

export interface InferOptions {
  inferFeatureShape: boolean;
  maxStringDomainSize: number;
}

const STATS_TO_SCHEMA_TYPE: Record<string, SchemaFeatureType> = { INT: 'INT', FLOAT: 'FLOAT', STRING: 'BYTES', BYTES: 'BYTES', STRUCT: 'STRUCT' };

/** Infer a schema from one or more datasets' statistics (e.g. every split), merged. */
export function inferSchema(datasets: DatasetFeatureStatistics[], options: InferOptions = { inferFeatureShape: true, maxStringDomainSize: 100 }): Schema {
  const features: SchemaFeature[] = [];
  const domains: StringDomain[] = [];
  const names: string[] = [];
  for (const ds of datasets) for (const f of ds.features) if (!names.includes(featureName(f))) names.push(featureName(f));
  for (const name of names) {
    const entries = datasets.map((ds) => ds.features.find((f) => featureName(f) === name)).filter((f) => f !== undefined);
    const first = entries[0];
    if (!first) continue;
    const missing = entries.reduce((s, f) => s + (commonStatsOf(f)?.numMissing ?? 0), 0);
    const absentSomewhere = entries.length < datasets.length;
    const alwaysPresent = missing === 0 && !absentSomewhere;
    // A feature that is sometimes a string is a string (e.g. a numeric column that had text in one split).
    const type = entries.some((f) => f.type === 'STRING' || f.type === 'BYTES') ? 'BYTES' : entries.some((f) => f.type === 'FLOAT') ? 'FLOAT' : STATS_TO_SCHEMA_TYPE[first.type] ?? 'BYTES';
    // A column with no value at all in some split (taxi's pickup_census_tract in train) is optional.
    const everywhere = !absentSomewhere && entries.every((f) => (commonStatsOf(f)?.numNonMissing ?? 0) > 0);
    const feature: SchemaFeature = { name, type, presence: alwaysPresent ? { minFraction: 1, minCount: 1 } : { minCount: everywhere ? 1 : 0 } };
    if (alwaysPresent && options.inferFeatureShape) feature.shape = { dim: [{ size: 1 }] };
    else feature.valueCount = { min: 1, max: 1 };
    if (type === 'BYTES') {
      const counts = new Map<string, number>();
      let unique = 0;
      let complete = true;
      for (const f of entries) {
        const s = f.stringStats;
        if (!s) {
          complete = false;
          continue;
        }
        unique = Math.max(unique, s.unique);
        if (s.rankHistogram.buckets.length < s.unique) complete = false;
        for (const b of s.rankHistogram.buckets) counts.set(b.label, (counts.get(b.label) ?? 0) + b.sampleCount);
      }
      if (complete && counts.size > 0 && counts.size <= options.maxStringDomainSize) {
        domains.push({ name, value: [...counts.keys()].sort() });
        feature.domain = name;
      }
    }
    features.push(feature);
  }
  const schema: Schema = { feature: features };
  if (domains.length > 0) schema.stringDomain = domains;
  return schema;
}

const REPEATED = new Set([
  'feature',
  'sparse_feature',
  'weighted_feature',
  'string_domain',
  'float_domain',
  'int_domain',
  'value',
  'dim',
  'default_environment',
  'in_environment',
  'not_in_environment',
  'tensor_representation_group',
  'annotation',
  'tag',
  'comment',
  'value_counts',
  'index_feature',
  'step',
]);
// Inside a Feature, int_domain/float_domain/string_domain are single messages, not lists.
const SINGULAR_IN_FEATURE = ['intDomain', 'floatDomain', 'stringDomain', 'tensorRepresentationGroup'];

function toNumberField(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) return Number(v);
  return v;
}

/** Check and normalise a parsed schema (snake_case or camelCase, numbers or int64 strings). */
export function normalizeSchema(raw: unknown, source: string): Schema {
  const obj = camelCaseKeys(raw) as Record<string, unknown>;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ComponentError(`${source}: not a Schema object`, 'a schema has `feature` entries with name and type');
  const feats = obj['feature'];
  if (!Array.isArray(feats) || feats.length === 0) throw new ComponentError(`${source}: no features`, 'a schema lists its features under `feature`');
  const features = feats.map((f, i) => {
    if (!f || typeof f !== 'object') throw new ComponentError(`${source}: feature #${i + 1} is not an object`);
    const feature = { ...(f as Record<string, unknown>) };
    if (typeof feature['name'] !== 'string' || feature['name'] === '') throw new ComponentError(`${source}: feature #${i + 1} has no name`);
    for (const key of SINGULAR_IN_FEATURE) if (Array.isArray(feature[key])) feature[key] = (feature[key] as unknown[])[0];
    const type = feature['type'] ?? 'TYPE_UNKNOWN';
    if (!['TYPE_UNKNOWN', 'BYTES', 'INT', 'FLOAT', 'STRUCT'].includes(String(type))) {
      throw new ComponentError(`${source}: feature ${feature['name']} has type ${JSON.stringify(type)}`, 'use BYTES, INT, FLOAT or STRUCT');
    }
    for (const group of ['presence', 'valueCount', 'intDomain', 'floatDomain', 'distributionConstraints']) {
      const g = feature[group];
      if (g && typeof g === 'object') feature[group] = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, toNumberField(v)]));
    }
    const shape = feature['shape'] as { dim?: Array<Record<string, unknown>> } | undefined;
    if (shape?.dim) shape.dim = shape.dim.map((d) => ({ ...d, size: Number(d['size'] ?? 0) }));
    for (const cmp of ['skewComparator', 'driftComparator']) {
      const c = feature[cmp] as Record<string, Record<string, unknown>> | undefined;
      if (c) for (const v of Object.values(c)) if (v && typeof v === 'object' && 'threshold' in v) v['threshold'] = Number(v['threshold']);
    }
    return feature as unknown as SchemaFeature;
  });
  const schema = { ...obj, feature: features } as unknown as Schema;
  const dc = obj['datasetConstraints'] as Record<string, unknown> | undefined;
  if (dc) {
    schema.datasetConstraints = Object.fromEntries(
      Object.entries(dc).map(([k, v]) => [k, v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([a, b]) => [a, toNumberField(b)])) : toNumberField(v)]),
    ) as Schema['datasetConstraints'];
  }
  return schema;
}

/** Read schema.json (protobuf JSON) or schema.pbtxt (text format), with errors naming file and line. */
export function readSchemaFile(file: string): Schema {
  if (!existsSync(file)) throw new ComponentError(`schema file not found: ${file}`, 'check params.schema (relative to the pipeline file)');
  const text = readFileSync(file, 'utf8');
  const looksJson = extname(file).toLowerCase() === '.json' || /^\s*\{\s*"/.test(text);
  if (looksJson) {
    try {
      return normalizeSchema(JSON.parse(text), file);
    } catch (err) {
      if (err instanceof ComponentError) throw err;
      throw new ComponentError(`${file}: invalid JSON (${(err as Error).message})`, 'fix the JSON, or use the text format in a .pbtxt file');
    }
  }
  try {
    return normalizeSchema(parseProtoText(text, REPEATED), file);
  } catch (err) {
    if (err instanceof ProtoTextError) throw new ComponentError(`${file}:${err.message}`, 'fix the schema text (protobuf text format, as TFX writes schema.pbtxt)');
    throw err;
  }
}

/** Read the schema in a Schema artifact's folder (schema.json, or a TFX schema.pbtxt). */
export function readSchemaArtifact(uri: string): Schema {
  const json = join(uri, SCHEMA_FILE);
  if (existsSync(json)) return readSchemaFile(json);
  const pbtxt = join(uri, 'schema.pbtxt');
  if (existsSync(pbtxt)) return readSchemaFile(pbtxt);
  throw new ComponentError(`no schema.json or schema.pbtxt in ${uri}`, 'wire a SchemaGen or SchemaImporter output');
}

export function writeSchema(dir: string, schema: Schema): void {
  writeFileSync(join(dir, SCHEMA_FILE), `${JSON.stringify(schema, null, 2)}\n`);
}

/** The schema file a SchemaImporter's `schema` param names, resolved against the pipeline's folder. */
export function schemaPath(params: Record<string, unknown>, pipelineDir: string): string {
  const p = params['schema'];
  if (typeof p !== 'string' || p === '') throw new ComponentError('params.schema is missing', 'set schema: path/to/schema.json (or schema.pbtxt)');
  return isAbsolute(p) ? p : resolve(pipelineDir, p);
}

/** The schema file's content hash (cache key): an edited schema re-runs what depends on it. */
export function schemaFileFingerprint(params: Record<string, unknown>, pipelineDir: string): string {
  try {
    const file = schemaPath(params, pipelineDir);
    return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : `missing:${file}`;
  } catch {
    return 'unset';
  }
}
