// Completion in YAML pipeline files from a component catalog (the registry in the runtime), computed
// from the text and the cursor alone, so it works while the file is half-typed and does not parse:
// component types, fields, params (type, default, allowed values), input keys, `<component>.<output>`
// references that the input accepts, feature names from the latest statistics upstream, and snippets
// for a new pipeline and for a new component of each type. Pure: the caller passes the feature names.
import { nodeOutputTypes, type ComponentDescription, type ParamSpec } from '../components/spec';
import type { ComponentCatalog } from './componentCatalog';
import { describeComponent, STANDARD_ARTIFACT_TYPES } from './pipelineSchema';
import { cursorContext, pipelineOutline, type CursorContext, type OutlineComponent, type PipelineOutline } from './yamlOutline';

export type CompletionKind = 'type' | 'field' | 'param' | 'input' | 'reference' | 'value' | 'feature' | 'snippet';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** One line beside the label (type, default, artifact type). */
  detail?: string;
  /** Markdown shown in the details pane. */
  documentation?: string;
  insertText: string;
  /** insertText is a VS Code snippet (`${1:placeholder}`). */
  snippet?: boolean;
  /** Orders the list: lower first. */
  sortText?: string;
}

export interface CompletionResult {
  items: CompletionEntry[];
  /** 1-based range of the text the items replace (the partial word). */
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  /** The component the cursor is in, so the caller can look up features upstream of it. */
  component?: string;
}

/** A feature as the latest statistics upstream describe it. */
export interface FeatureInfo {
  name: string;
  /** TFDV type: INT, FLOAT, STRING, BYTES. */
  type: string;
  /** e.g. "3 distinct values in 258 examples". */
  summary?: string;
}

export interface CompletionOptions {
  catalog: ComponentCatalog;
  /** Feature names upstream of a component (from the metadata store); absent when nothing has run. */
  features?: (component: OutlineComponent, outline: PipelineOutline) => FeatureInfo[] | undefined;
  /**
   * Another completion source already offers what the JSON Schema knows (types, fields, params, enum
   * values): Red Hat's YAML extension, or VS Code's JSON support for `.pipeline.json`. Leave those out.
   */
  schemaCovered?: boolean;
}

const TOP_LEVEL: Record<string, string> = {
  pipeline: 'Pipeline name: lowercase letters, digits, `-` and `_`.',
  description: 'What the pipeline is for.',
  components: 'Component id -> component.',
};

const COMPONENT_FIELDS: Record<string, string> = {
  type: 'The component type.',
  inputs: 'Input key -> `<component id>.<output key>`.',
  params: 'Param name -> value.',
  outputs: 'Output key -> artifact type (Command, Function, Resolver only).',
  enabled: '`false` skips this component and everything that depends on it.',
  description: 'What this step is for.',
};

/** Params whose values are feature (column) names of the data. */
const FEATURE_VALUE_PARAMS = new Set(['label', 'exclude']);
/** Params whose keys are feature names: Transform's `features`. */
const FEATURE_KEY_PARAMS = new Set(['features']);
/** Params whose list items are lists of feature names: Evaluator's `slices`. */
const FEATURE_LIST_PARAMS = new Set(['slices']);
const METRICS = ['accuracy', 'auc', 'log_loss', 'precision', 'recall', 'rmse', 'mae', 'r2', 'count'];

function specOf(catalog: ComponentCatalog, type: string | undefined): ComponentDescription | undefined {
  if (!type) return undefined;
  try {
    return catalog.get(type);
  } catch {
    return undefined;
  }
}

function specs(catalog: ComponentCatalog): ComponentDescription[] {
  return [...catalog.types()]
    .sort()
    .map((t) => specOf(catalog, t))
    .filter((s): s is ComponentDescription => s !== undefined);
}

function paramDetail(ps: ParamSpec): string {
  const facts: string[] = [ps.type];
  if (ps.required) facts.push('required');
  if (ps.enum) facts.push(ps.enum.join(' | '));
  if (ps.default !== undefined) facts.push(`default ${JSON.stringify(ps.default)}`);
  return facts.join(', ');
}

/** Outputs of a component as the text declares them: the spec's, plus declared ones. */
export function outlineOutputs(comp: OutlineComponent, catalog: ComponentCatalog): Record<string, string> {
  const spec = specOf(catalog, comp.type);
  return spec ? nodeOutputTypes(spec, { outputs: comp.outputs, params: comp.paramValues ?? {} }) : {};
}

/** Components downstream of `id` (an input must not create a cycle). */
function downstreamOf(outline: PipelineOutline, id: string): Set<string> {
  const down = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of outline.components) {
      if (down.has(c.id)) continue;
      if (Object.values(c.inputs).some((refs) => refs.some((r) => down.has(r.component)))) {
        down.add(c.id);
        grew = true;
      }
    }
  }
  return down;
}

/** A snake_case id for a new component of `type` not used in the file yet. */
export function newComponentId(type: string, taken: Iterable<string>): string {
  const base = type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

function yamlScalar(value: unknown): string {
  if (typeof value === 'string') return /^[\w./-]+$/.test(value) && !/^(true|false|null|yes|no|\d.*)$/i.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** The best existing output for an input of type `type`: the last one written above, if any. */
function referenceFor(outline: PipelineOutline, catalog: ComponentCatalog, type: string, exclude: Set<string>): string | undefined {
  let found: string | undefined;
  for (const c of outline.components) {
    if (exclude.has(c.id)) continue;
    for (const [key, t] of Object.entries(outlineOutputs(c, catalog))) if (t === type) found = `${c.id}.${key}`;
  }
  return found;
}

/**
 * The snippet body of a new component (relative indentation, two spaces): its id, type, every
 * required input (wired to the last matching output in the file when there is one) and required param.
 */
export function componentSnippet(spec: ComponentDescription, outline: PipelineOutline, catalog: ComponentCatalog): string {
  const id = newComponentId(spec.type, outline.components.map((c) => c.id));
  let n = 1;
  const lines = [`\${${n++}:${id}}:`, `  type: ${spec.type}`];
  const required = Object.entries(spec.inputs).filter(([, is]) => !is.optional);
  if (required.length) {
    lines.push('  inputs:');
    for (const [key, is] of required) {
      const ref = referenceFor(outline, catalog, is.type, new Set()) ?? `component.${is.type.toLowerCase()}`;
      lines.push(`    ${key}: \${${n++}:${escapeSnippet(ref)}}`);
    }
  }
  const params = Object.entries(spec.params).filter(([, ps]) => ps.required);
  if (params.length) {
    lines.push('  params:');
    for (const [key, ps] of params) {
      const value = ps.enum ? `\${${n++}|${ps.enum.map((e) => e.replace(/[,|]/g, '')).join(',')}|}` : `\${${n++}:${escapeSnippet(ps.default !== undefined ? yamlScalar(ps.default) : key)}}`;
      lines.push(`    ${key}: ${value}`);
    }
  }
  return lines.join('\n');
}

/** A new pipeline file: its name from the file name, and an ExampleGen -> StatisticsGen -> SchemaGen start. */
export function pipelineSnippet(file: string, catalog: ComponentCatalog): string {
  const base = (file.split(/[\\/]/).pop() ?? 'pipeline').replace(/\.pipeline\.(ya?ml|json)$/i, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'my-pipeline';
  const lines = [`pipeline: \${1:${base}}`, 'description: ${2:What this pipeline is for}', 'components:'];
  const start: Array<[string, string, Record<string, string>]> = [
    ['example_gen', 'CsvExampleGen', {}],
    ['statistics_gen', 'StatisticsGen', { examples: 'example_gen.examples' }],
    ['schema_gen', 'SchemaGen', { statistics: 'statistics_gen.statistics' }],
  ];
  for (const [id, type, inputs] of start) {
    const spec = specOf(catalog, type);
    if (!spec) continue;
    lines.push(`  ${id}:`, `    type: ${type}`);
    if (Object.keys(inputs).length) lines.push(`    inputs: {${Object.entries(inputs).map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    if (type === 'CsvExampleGen') lines.push('    params:', '      input: ${3:data/data.csv}');
  }
  lines.push('  $0');
  return lines.join('\n');
}

function keyItems(entries: Record<string, string>, kind: CompletionKind, siblings: Set<string>): CompletionEntry[] {
  return Object.entries(entries)
    .filter(([k]) => !siblings.has(k))
    .map(([k, doc], i) => ({ label: k, kind, documentation: doc, insertText: `${k}: `, sortText: String(i).padStart(3, '0') }));
}

function featureItems(features: FeatureInfo[] | undefined, asKey: boolean, siblings: Set<string>): CompletionEntry[] {
  return (features ?? [])
    .filter((f) => !siblings.has(f.name))
    .map((f) => {
      const quoted = /^[A-Za-z_][\w.-]*$/.test(f.name) ? f.name : JSON.stringify(f.name);
      return {
        label: f.name,
        kind: 'feature' as const,
        detail: `feature (${f.type})`,
        documentation: f.summary ? `From the latest statistics upstream: ${f.summary}.` : 'From the latest statistics upstream.',
        insertText: asKey ? `${quoted}: ` : quoted,
        sortText: `0${f.name}`,
      };
    });
}

function componentAt(outline: PipelineOutline, line: number, ctx: CursorContext): OutlineComponent | undefined {
  if (ctx.path[0] !== 'components' || ctx.path.length < 2) return undefined;
  return outline.components.find((c) => c.id === ctx.path[1]) ?? outline.components.find((c) => c.startLine <= line && line <= c.endLine);
}

/** Completion items at a 0-based line and column of YAML pipeline text. */
export function completePipelineText(file: string, text: string, line: number, column: number, opts: CompletionOptions): CompletionResult {
  const ctx = cursorContext(text, line, column);
  const outline = pipelineOutline(text);
  const catalog = opts.catalog;
  const range = { start: { line: line + 1, column: ctx.partialStart + 1 }, end: { line: line + 1, column: column + 1 } };
  const siblings = new Set(ctx.siblings);
  const comp = componentAt(outline, line, ctx);
  const spec = specOf(catalog, comp?.type);
  const result = (items: CompletionEntry[]): CompletionResult => ({ items, range, component: comp?.id });
  const schema = opts.schemaCovered === true;
  const p = ctx.path;

  if (ctx.kind === 'key') {
    if (p.length === 0) {
      const items: CompletionEntry[] = schema ? [] : keyItems(TOP_LEVEL, 'field', siblings);
      if (!outline.components.length && !siblings.has('pipeline')) {
        items.unshift({ label: 'New pipeline', kind: 'snippet', detail: 'pipeline file', documentation: 'A pipeline name and an ExampleGen -> StatisticsGen -> SchemaGen start.', insertText: pipelineSnippet(file, catalog), snippet: true, sortText: '!' });
      }
      return result(items);
    }
    if (p.length === 1 && p[0] === 'components') {
      return result(
        specs(catalog).map((s) => ({
          label: `New ${s.type}`,
          kind: 'snippet' as const,
          detail: `component with its required inputs${Object.values(s.params).some((ps) => ps.required) ? ' and params' : ''}`,
          documentation: describeComponent(catalog, s.type),
          insertText: componentSnippet(s, outline, catalog),
          snippet: true,
          sortText: s.type,
        })),
      );
    }
    if (p.length === 2 && p[0] === 'components') {
      if (schema) return result([]);
      const fields = { ...COMPONENT_FIELDS };
      if (spec && !(spec.declaredOutputs || spec.kind === 'resolver')) delete fields['outputs'];
      return result(keyItems(fields, 'field', siblings));
    }
    if (p.length === 3 && p[0] === 'components' && p[2] === 'params' && spec) {
      if (schema) return result([]);
      return result(
        Object.entries(spec.params)
          .filter(([k]) => !siblings.has(k))
          .map(([k, ps]) => ({
            label: k,
            kind: 'param' as const,
            detail: paramDetail(ps),
            documentation: describeComponent(catalog, spec.type, k),
            insertText: `${k}: `,
            sortText: `${ps.required ? 0 : 1}${k}`,
          })),
      );
    }
    if (p.length === 3 && p[0] === 'components' && p[2] === 'inputs' && spec) {
      if (schema) return result([]);
      return result(
        Object.entries(spec.inputs)
          .filter(([k]) => !siblings.has(k))
          .map(([k, is]) => ({
            label: k,
            kind: 'input' as const,
            detail: `${is.type}${is.optional ? ', optional' : ''}`,
            documentation: describeComponent(catalog, spec.type, k),
            insertText: `${k}: `,
            sortText: `${is.optional ? 1 : 0}${k}`,
          })),
      );
    }
    if (p.length === 4 && p[2] === 'params' && FEATURE_KEY_PARAMS.has(p[3]) && comp) {
      return result(featureItems(opts.features?.(comp, outline), true, siblings));
    }
    if (p.length === 4 && p[2] === 'params' && p[3] === 'thresholds') {
      return result(METRICS.filter((m) => !siblings.has(m)).map((m) => ({ label: m, kind: 'value' as const, detail: 'metric', insertText: `${m}: `, sortText: m })));
    }
    return result([]);
  }

  // Values.
  if (p.length === 3 && p[0] === 'components' && p[2] === 'type') {
    if (schema) return result([]);
    return result(
      specs(catalog).map((s) => ({
        label: s.type,
        kind: 'type' as const,
        detail: s.kind === 'executor' ? s.executionType : `${s.kind}`,
        documentation: describeComponent(catalog, s.type),
        insertText: s.type,
        sortText: s.type,
      })),
    );
  }
  if (p.length === 4 && p[0] === 'components' && p[2] === 'inputs' && comp) {
    const is = spec?.inputs[p[3]];
    const wanted = is?.type;
    const excluded = downstreamOf(outline, comp.id);
    const items: CompletionEntry[] = [];
    for (const c of outline.components) {
      if (excluded.has(c.id)) continue;
      for (const [key, type] of Object.entries(outlineOutputs(c, catalog))) {
        if (wanted && type !== wanted && !spec?.anyInputs) continue;
        items.push({
          label: `${c.id}.${key}`,
          kind: 'reference',
          detail: `${type} from ${c.type ?? 'a component'}`,
          documentation: specOf(catalog, c.type)?.outputs[key]?.doc,
          insertText: `${c.id}.${key}`,
          sortText: String(items.length).padStart(4, '0'),
        });
      }
    }
    return result(items);
  }
  if (p.length === 4 && p[0] === 'components' && p[2] === 'outputs') {
    if (schema) return result([]);
    return result(STANDARD_ARTIFACT_TYPES.map((t) => ({ label: t, kind: 'value' as const, detail: 'artifact type', insertText: t })));
  }
  if (p.length === 3 && p[0] === 'components' && p[2] === 'enabled') {
    return schema ? result([]) : result(['true', 'false'].map((v) => ({ label: v, kind: 'value' as const, insertText: v })));
  }
  if (p.length >= 4 && p[0] === 'components' && p[2] === 'params' && comp && spec) {
    const param = p[3];
    if (p.length === 4 && (FEATURE_VALUE_PARAMS.has(param) || (FEATURE_LIST_PARAMS.has(param) && ctx.listDepth >= 2))) {
      return result(featureItems(opts.features?.(comp, outline), false, new Set()));
    }
    if (p.length === 5 && FEATURE_KEY_PARAMS.has(param)) {
      const ops = ['zscore', 'minmax', 'log', 'bucketize', 'vocabulary', 'onehot', 'fill'];
      return schema ? result([]) : result(ops.map((o) => ({ label: o, kind: 'value' as const, detail: 'Transform op', insertText: o })));
    }
    const ps = spec.params[param];
    if (!ps || p.length !== 4 || schema) return result([]);
    const values = ps.enum ? [...ps.enum] : ps.type === 'boolean' ? ['true', 'false'] : ps.default !== undefined ? [yamlScalar(ps.default)] : [];
    return result(
      values.map((v, i) => ({ label: v, kind: 'value' as const, detail: v === String(ps.default) || v === yamlScalar(ps.default) ? 'default' : undefined, documentation: ps.doc, insertText: v, sortText: String(i).padStart(3, '0') })),
    );
  }
  return result([]);
}
