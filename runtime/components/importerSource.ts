// What TFX's Importer node registers: an existing file or folder as an artifact of a given type, marked
// external (TFX's `is_external` = 1), without copying it. This module is the part that does not touch
// the metadata store: it resolves `params.source`, checks that the source holds what the artifact type
// needs (so a consumer never meets an artifact it cannot use), and derives the properties TFX sets
// (split_names from the Split-* folders). The orchestrator's system-node handler (an `importer` entry
// beside Resolver and HumanApproval in orchestrator/systemNodes.ts) registers or reuses the artifact.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXAMPLES_FILE, SCHEMA_FILE, type Properties } from '../../common/artifacts';
import { ComponentError } from './spec';

export const IMPORTER_EXECUTION_TYPE = 'tfx.dsl.components.common.importer.Importer';

export interface ImportPlan {
  /** The artifact's uri: the source folder (or the folder a single-file source must be named in). */
  uri: string;
  type: string;
  properties: Properties;
  customProperties: Properties;
  /** Whether an earlier import of the same source may be reused (TFX: reimport = false). */
  reuse: boolean;
}

function splitFolders(dir: string, file: (split: string) => string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith('Split-') && file(f).some((name) => existsSync(join(dir, f, name))))
    .map((f) => f.slice('Split-'.length))
    .sort();
}

function declaredSplits(properties: Record<string, unknown>): string[] | undefined {
  const raw = properties['split_names'];
  if (raw === undefined) return undefined;
  const list = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new ComponentError('params.properties.split_names must be a list of split names', 'e.g. properties: {split_names: [train, eval]}');
  return list as string[];
}

/** A folder source, or a single file that the artifact type finds by its name inside its folder. */
function folderHolding(source: string, names: string[], type: string): string {
  if (statSync(source).isDirectory()) {
    if (names.some((n) => existsSync(join(source, n)))) return source;
    throw new ComponentError(`${source} holds no ${names.join(' or ')}, so it cannot be imported as ${type}`, `Point params.source at the ${names[0]} file or the folder that holds it.`);
  }
  if (names.includes(basename(source))) return dirname(source);
  throw new ComponentError(`${source}: a ${type} file must be named ${names.join(' or ')} (the folder is the artifact, as in TFX)`, `Rename it to ${names[0]}, or import its folder.`);
}

export function planImport(params: Record<string, unknown>, pipelineDir: string): ImportPlan {
  const sourceParam = params['source'];
  const type = params['artifact_type'];
  if (typeof sourceParam !== 'string' || !sourceParam) throw new ComponentError('params.source is required: the file or folder to import', 'Relative to the pipeline file, e.g. source: tfx_run/StatisticsGen/statistics/7');
  if (typeof type !== 'string' || !type) throw new ComponentError('params.artifact_type is required', 'One of Examples, ExampleStatistics, Schema, Model, or any other artifact type name.');
  const source = resolve(pipelineDir, sourceParam);
  if (!existsSync(source)) throw new ComponentError(`nothing to import at ${source}`, 'Fix params.source (relative to the pipeline file).');
  const given = (params['properties'] ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) throw new ComponentError('params.properties must be a map');
  const properties: Properties = {};
  const customProperties: Properties = { is_external: 1 };
  for (const [k, v] of Object.entries(given)) {
    if (k === 'split_names') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') customProperties[k] = v;
    else customProperties[k] = JSON.stringify(v);
  }
  let uri = source;
  const withSplits = (files: (split: string) => string[], what: string): void => {
    const found = splitFolders(source, files);
    const declared = declaredSplits(given);
    const splits = declared ?? found;
    if (splits.length === 0) throw new ComponentError(`${source} has no Split-<name>/ folders with ${what}, so it cannot be imported as ${type}`, `TFX writes ${type} as Split-train/${what}, Split-eval/${what}, …`);
    const missing = splits.filter((s) => !found.includes(s));
    if (missing.length) throw new ComponentError(`params.properties.split_names names ${missing.join(', ')}, which ${source} has no Split-* folder with ${what} for`, `Splits found: ${found.join(', ') || 'none'}.`);
    properties['split_names'] = JSON.stringify(splits);
  };
  switch (type) {
    case 'ExampleStatistics':
      withSplits(() => ['FeatureStats.pb', 'FeatureStats.json'], 'FeatureStats.pb');
      break;
    case 'Examples':
      withSplits(() => [EXAMPLES_FILE], EXAMPLES_FILE);
      customProperties['file_format'] = 'parquet';
      break;
    case 'Schema':
      uri = folderHolding(source, ['schema.pbtxt', SCHEMA_FILE], type);
      break;
    case 'Model': {
      const serving = join(source, 'Format-Serving');
      const dir = existsSync(serving) ? serving : source;
      uri = folderHolding(dir, ['model.onnx', 'model.json', 'model.pkl'], type);
      if (uri === serving) uri = source;
      break;
    }
    default:
      break;
  }
  const reimport = params['reimport'];
  if (reimport !== undefined && typeof reimport !== 'boolean') throw new ComponentError('params.reimport must be true or false');
  return { uri, type, properties, customProperties, reuse: reimport !== true };
}
