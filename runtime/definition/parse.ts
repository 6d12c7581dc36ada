// YAML/JSON pipeline files (DESIGN §5) -> PipelineIR, keeping the source range of every component,
// input and param so that diagnostics, CodeLens and hovers can point at the exact spot.
// This module only checks the file's shape; validate.ts checks it against the component registry.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type {
  ComponentIR,
  InputReference,
  LoadResult,
  ParamValue,
  PipelineDiagnostic,
  PipelineIR,
  ScheduleIR,
  SourceRange,
} from './ir';
import { FILE_START, LineIndex } from './sourcePositions';
import { didYouMean } from './suggestions';
import { isKnownTimeZone, parseCron } from '../../common/cron';

export const PIPELINE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const COMPONENT_ID_PATTERN = /^[a-z][a-z0-9_]*$/;

const TOP_LEVEL_FIELDS = ['pipeline', 'description', 'schedule', 'components'] as const;
const SCHEDULE_FIELDS = ['cron', 'timezone'] as const;
const COMPONENT_FIELDS = ['type', 'inputs', 'params', 'outputs', 'enabled', 'description'] as const;

export function pipelineFormat(file: string): PipelineIR['format'] {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ts')) return 'ts';
  return 'yaml';
}

/** Split `<component id>.<output key>`; undefined when the text is not of that shape. */
export function parseReference(text: string): { component: string; output: string } | undefined {
  const m = /^([^.\s]+)\.([^.\s]+)$/.exec(text.trim());
  return m ? { component: m[1], output: m[2] } : undefined;
}

class Collector {
  readonly diagnostics: PipelineDiagnostic[] = [];
  constructor(
    readonly file: string,
    readonly lines: LineIndex,
    readonly doc: Document,
  ) {}

  rangeOf(node: unknown): SourceRange {
    const r = (node as Node | null)?.range;
    if (!r) return FILE_START;
    return this.lines.range(r[0], r[1]);
  }

  add(d: Omit<PipelineDiagnostic, 'file' | 'severity'> & { severity?: PipelineDiagnostic['severity'] }): void {
    this.diagnostics.push({ file: this.file, severity: 'error', ...d });
  }
}

function keyText(pair: Pair): string | undefined {
  if (isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')) {
    return String(pair.key.value);
  }
  return undefined;
}

/**
 * Walks a mapping's pairs, reporting non-string and duplicate keys once, and calls `each` for the
 * first occurrence of every key.
 */
function eachPair(
  c: Collector,
  map: YAMLMap,
  where: string,
  each: (key: string, pair: Pair, keyRange: SourceRange) => void,
  duplicate?: (key: string, keyRange: SourceRange, firstRange: SourceRange) => void,
): void {
  const seen = new Map<string, SourceRange>();
  for (const pair of map.items) {
    const key = keyText(pair);
    const keyRange = c.rangeOf(pair.key ?? pair.value ?? map);
    if (key === undefined) {
      c.add({
        range: keyRange,
        code: 'invalid-key',
        message: `A key in ${where} must be a plain name`,
        hint: 'Write `name: value` with a simple name as the key.',
      });
      continue;
    }
    const first = seen.get(key);
    if (first) {
      if (duplicate) duplicate(key, keyRange, first);
      else
        c.add({
          range: keyRange,
          code: 'duplicate-key',
          message: `\`${key}\` appears twice in ${where} (first on line ${first.start.line})`,
          hint: 'Remove or rename one of them; only one value can be used.',
        });
      continue;
    }
    seen.set(key, keyRange);
    each(key, pair, keyRange);
  }
}

function unknownField(c: Collector, key: string, range: SourceRange, known: readonly string[], where: string, component?: string): void {
  const suggestion = didYouMean(key, known);
  c.add({
    range,
    code: 'unknown-field',
    message: `Unknown field \`${key}\` in ${where}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
    hint: `Allowed fields: ${known.join(', ')}.`,
    fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, range, replacement: suggestion }] : undefined,
    component,
  });
}

function toParamValue(value: unknown): ParamValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toParamValue);
  if (value instanceof Map) {
    const out: { [key: string]: ParamValue } = {};
    for (const [k, v] of value) out[typeof k === 'object' && k !== null ? JSON.stringify(toParamValue(k)) : String(k)] = toParamValue(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toParamValue);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: { [key: string]: ParamValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toParamValue(v);
    return out;
  }
  return String(value);
}

function nodeValue(c: Collector, node: unknown, range: SourceRange, component: string): ParamValue {
  if (node === null || node === undefined) return null;
  try {
    // maxAliasCount guards against alias "billion laughs" expansions.
    // mapAsMap: keys that are themselves collections (an unquoted `{{x}}`) are reported by
    // reportCollectionKeys; converting through Map keeps yaml from printing process warnings.
    return toParamValue((node as Node).toJS(c.doc, { maxAliasCount: 100, mapAsMap: true }));
  } catch (err) {
    c.add({
      range,
      code: 'yaml-syntax',
      message: `This value cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'Write the value out instead of using anchors and aliases.',
      component,
    });
    return null;
  }
}

/** `command: [echo, {{inputs.x}}]` parses as a map keyed by a map: say "quote it" instead of a type error. */
function reportCollectionKeys(c: Collector, node: unknown, comp: ComponentIR, param: string, depth = 0): void {
  if (depth > 50) return;
  if (isSeq(node)) {
    for (const item of node.items) reportCollectionKeys(c, item, comp, param, depth + 1);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (isMap(pair.key) || isSeq(pair.key)) {
        const placeholder = isMap(pair.key) && pair.key.items.length === 1 && isScalar(pair.key.items[0].key);
        const inner = placeholder && isMap(pair.key) && isScalar(pair.key.items[0].key) ? String(pair.key.items[0].key.value) : '';
        c.add({
          range: c.rangeOf(node),
          code: placeholder ? 'unquoted-placeholder' : 'invalid-key',
          message: placeholder
            ? `In param \`${param}\` of \`${comp.id}\`, the placeholder {{${inner}}} must be quoted`
            : `In param \`${param}\` of \`${comp.id}\`, a mapping key cannot be a list or mapping`,
          hint: placeholder ? `Write "{{${inner}}}" in quotes: unquoted braces are a YAML mapping.` : 'Use a plain name as the key, or quote the text.',
          fixes: placeholder ? [{ title: `Quote "{{${inner}}}"`, range: c.rangeOf(node), replacement: `"{{${inner}}}"` }] : undefined,
          component: comp.id,
        });
      } else reportCollectionKeys(c, pair.key, comp, param, depth + 1);
      reportCollectionKeys(c, pair.value, comp, param, depth + 1);
    }
  }
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function parseInputs(c: Collector, node: unknown, comp: ComponentIR): void {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    c.add({
      range: c.rangeOf(node),
      code: 'invalid-structure',
      message: `\`inputs\` of \`${comp.id}\` must be a mapping of input key -> \`<component>.<output>\``,
      hint: 'For example: `inputs: {examples: example_gen.examples}`.',
      component: comp.id,
    });
    return;
  }
  eachPair(c, node, `the inputs of \`${comp.id}\``, (key, pair, keyRange) => {
    comp.inputRanges[key] = keyRange;
    const refs: InputReference[] = [];
    const addRef = (valueNode: unknown): void => {
      const text = scalarString(valueNode);
      const range = c.rangeOf(valueNode ?? pair.key);
      const parsed = text === undefined ? undefined : parseReference(text);
      if (!parsed) {
        c.add({
          range,
          code: 'invalid-reference',
          message: `Input \`${key}\` of \`${comp.id}\` must name an output as \`<component id>.<output key>\``,
          hint: 'For example: `example_gen.examples`.',
          component: comp.id,
        });
        return;
      }
      refs.push({ ...parsed, range });
    };
    if (isSeq(pair.value)) for (const item of pair.value.items) addRef(item);
    else addRef(pair.value);
    comp.inputs[key] = refs;
  });
}

function parseParams(c: Collector, node: unknown, comp: ComponentIR): void {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    c.add({
      range: c.rangeOf(node),
      code: 'invalid-structure',
      message: `\`params\` of \`${comp.id}\` must be a mapping of param name -> value`,
      hint: 'For example: `params: {epochs: 40}`.',
      component: comp.id,
    });
    return;
  }
  const valueRanges: Record<string, SourceRange> = {};
  eachPair(c, node, `the params of \`${comp.id}\``, (key, pair, keyRange) => {
    comp.paramRanges[key] = keyRange;
    const valueRange = pair.value ? c.rangeOf(pair.value) : keyRange;
    valueRanges[key] = valueRange;
    if (isSeq(pair.value)) (comp.paramItemRanges ??= {})[key] = pair.value.items.map((item) => (item ? c.rangeOf(item) : valueRange));
    reportCollectionKeys(c, pair.value, comp, key);
    comp.params[key] = nodeValue(c, pair.value, valueRange, comp.id);
  });
  comp.paramValueRanges = valueRanges;
}

function parseOutputs(c: Collector, node: unknown, comp: ComponentIR): void {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    c.add({
      range: c.rangeOf(node),
      code: 'invalid-structure',
      message: `\`outputs\` of \`${comp.id}\` must be a mapping of output key -> artifact type`,
      hint: 'For example: `outputs: {model: Model}`.',
      component: comp.id,
    });
    return;
  }
  const ranges: Record<string, SourceRange> = {};
  eachPair(c, node, `the outputs of \`${comp.id}\``, (key, pair, keyRange) => {
    ranges[key] = keyRange;
    const type = scalarString(pair.value);
    if (!type || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(type)) {
      c.add({
        range: pair.value ? c.rangeOf(pair.value) : keyRange,
        code: 'invalid-output-type',
        message: `Output \`${key}\` of \`${comp.id}\` must name an artifact type`,
        hint: 'Use a TFX type such as Examples, Model or Schema, or your own type name.',
        component: comp.id,
      });
      return;
    }
    comp.outputs[key] = type;
  });
  comp.outputRanges = ranges;
}

function parseComponent(c: Collector, id: string, pair: Pair, keyRange: SourceRange): ComponentIR {
  const valueRange = pair.value ? c.rangeOf(pair.value) : keyRange;
  const comp: ComponentIR = {
    id,
    type: '',
    enabled: true,
    inputs: {},
    params: {},
    outputs: {},
    range: { start: keyRange.start, end: valueRange.end },
    idRange: keyRange,
    paramRanges: {},
    inputRanges: {},
  };
  if (!COMPONENT_ID_PATTERN.test(id)) {
    const fixed = id.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '');
    c.add({
      range: keyRange,
      code: 'invalid-component-id',
      message: `Component id \`${id}\` is not valid: ids start with a lowercase letter and use only a-z, 0-9 and _`,
      hint: 'Rename it, e.g. `example_gen`.',
      fixes: fixed && fixed !== id ? [{ title: `Rename to \`${fixed}\``, range: keyRange, replacement: fixed }] : undefined,
      component: id,
    });
  }
  if (!isMap(pair.value)) {
    c.add({
      range: valueRange,
      code: 'invalid-structure',
      message: `Component \`${id}\` must be a mapping with at least \`type:\``,
      hint: 'For example:\n  statistics_gen:\n    type: StatisticsGen',
      component: id,
    });
    return comp;
  }
  let sawType = false;
  eachPair(c, pair.value, `component \`${id}\``, (key, field, fieldRange) => {
    switch (key) {
      case 'type': {
        sawType = true;
        const type = scalarString(field.value);
        comp.typeRange = field.value ? c.rangeOf(field.value) : fieldRange;
        if (!type) {
          c.add({
            range: comp.typeRange,
            code: 'missing-component-type',
            message: `\`type\` of \`${id}\` must be a component type name`,
            hint: 'For example: `type: StatisticsGen`.',
            component: id,
          });
        } else comp.type = type;
        break;
      }
      case 'inputs':
        comp.inputsRange = fieldRange;
        parseInputs(c, field.value, comp);
        break;
      case 'params':
        comp.paramsRange = fieldRange;
        parseParams(c, field.value, comp);
        break;
      case 'outputs':
        parseOutputs(c, field.value, comp);
        break;
      case 'enabled': {
        comp.enabledRange = fieldRange;
        if (isScalar(field.value) && typeof field.value.value === 'boolean') comp.enabled = field.value.value;
        else
          c.add({
            range: field.value ? c.rangeOf(field.value) : fieldRange,
            code: 'param-type',
            message: `\`enabled\` of \`${id}\` must be true or false`,
            hint: 'Write `enabled: false` to skip the component and its dependants.',
            component: id,
          });
        break;
      }
      case 'description': {
        const text = scalarString(field.value);
        if (text !== undefined) comp.description = text;
        else if (!(isScalar(field.value) && field.value.value === null))
          c.add({
            range: field.value ? c.rangeOf(field.value) : fieldRange,
            code: 'param-type',
            message: `\`description\` of \`${id}\` must be text`,
            hint: 'Quote it if it looks like a number, a list or a mapping.',
            component: id,
          });
        break;
      }
      default:
        unknownField(c, key, fieldRange, COMPONENT_FIELDS, `component \`${id}\``, id);
    }
  });
  if (!sawType) {
    c.add({
      range: keyRange,
      code: 'missing-component-type',
      message: `Component \`${id}\` has no \`type\``,
      hint: 'Add `type:` with a component type such as CsvExampleGen or Command.',
      component: id,
    });
  }
  return comp;
}

/**
 * Parses a YAML or JSON pipeline file into the IR. Never throws: every problem becomes a diagnostic.
 * `hasSyntaxErrors` tells the caller that the IR may be partial (semantic checks would only add noise).
 */
export function parsePipelineText(file: string, text: string): LoadResult & { hasSyntaxErrors: boolean } {
  const lines = new LineIndex(text);
  const format = pipelineFormat(file) === 'json' ? 'json' : 'yaml';
  let hasSyntaxErrors = false;
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  const c = new Collector(file, lines, doc);
  // Only the first syntax error: the parser's recovery turns one mistake into dozens of follow-on errors.
  for (const err of doc.errors.slice(0, 1)) {
    hasSyntaxErrors = true;
    const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    c.add({
      range: lines.range(err.pos[0], err.pos[1]),
      code: 'yaml-syntax',
      message: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${message}`,
      hint: 'Fix the syntax here; problems after this point are reported once the file parses again.',
    });
  }
  for (const warn of doc.warnings) {
    c.add({
      severity: 'warning',
      range: lines.range(warn.pos[0], warn.pos[1]),
      code: 'yaml-warning',
      message: warn.message.split('\n')[0],
      hint: 'The file still loads; fix this to keep it portable.',
    });
  }

  const root = doc.contents;
  if (!isMap(root)) {
    if (!hasSyntaxErrors) {
      c.add({
        range: root ? c.rangeOf(root) : FILE_START,
        code: 'invalid-structure',
        message: 'A pipeline file must be a mapping with `pipeline:` and `components:`',
        hint: 'Start with `pipeline: my-pipeline` and a `components:` map.',
      });
    }
    return { diagnostics: c.diagnostics, hasSyntaxErrors };
  }

  const pipeline: PipelineIR = { name: '', file, format, components: [] };
  let sawName = false;
  let sawComponents = false;
  eachPair(c, root, 'the pipeline file', (key, pair, keyRange) => {
    switch (key) {
      case 'pipeline': {
        sawName = true;
        const name = isScalar(pair.value) && pair.value.value !== null ? String(pair.value.value) : undefined;
        pipeline.nameRange = pair.value ? c.rangeOf(pair.value) : keyRange;
        if (name === undefined || !PIPELINE_NAME_PATTERN.test(name)) {
          const fixed = (name ?? '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '');
          c.add({
            range: pipeline.nameRange,
            code: 'invalid-pipeline-name',
            message: `Pipeline name ${name === undefined ? 'is missing' : `\`${name}\` is not valid`}: use lowercase letters, digits, - and _, starting with a letter or digit`,
            hint: 'It names folders under .mlpipe/artifacts/ and MLMD contexts, e.g. `pipeline: penguin`.',
            fixes: fixed && fixed !== name ? [{ title: `Rename to \`${fixed}\``, range: pipeline.nameRange, replacement: fixed }] : undefined,
          });
        }
        if (name !== undefined) pipeline.name = name;
        break;
      }
      case 'description': {
        const text = scalarString(pair.value);
        if (text !== undefined) pipeline.description = text;
        else if (!(isScalar(pair.value) && pair.value.value === null))
          c.add({
            range: pair.value ? c.rangeOf(pair.value) : keyRange,
            code: 'param-type',
            message: 'The pipeline `description` must be text',
            hint: 'Quote it if it looks like a number, a list or a mapping.',
          });
        break;
      }
      case 'schedule': {
        const schedule = parseSchedule(c, pair, keyRange);
        if (schedule) pipeline.schedule = schedule;
        break;
      }
      case 'components': {
        sawComponents = true;
        if (isScalar(pair.value) && pair.value.value === null) break;
        if (!isMap(pair.value)) {
          c.add({
            range: pair.value ? c.rangeOf(pair.value) : keyRange,
            code: 'invalid-structure',
            message: '`components` must be a mapping of component id -> component',
            hint: 'Write each component as `<id>:` with `type:` under it (not a `- ` list).',
          });
          break;
        }
        eachPair(
          c,
          pair.value,
          '`components`',
          (id, compPair, idRange) => pipeline.components.push(parseComponent(c, id, compPair, idRange)),
          (id, idRange, firstRange) =>
            c.add({
              range: idRange,
              code: 'duplicate-component-id',
              message: `Component id \`${id}\` is used twice (first on line ${firstRange.start.line})`,
              hint: 'Component ids must be unique: rename one of them.',
              component: id,
            }),
        );
        break;
      }
      default:
        unknownField(c, key, keyRange, TOP_LEVEL_FIELDS, 'the pipeline file');
    }
  });
  if (!sawName && !hasSyntaxErrors) {
    c.add({
      range: FILE_START,
      code: 'missing-pipeline-name',
      message: 'The pipeline file has no `pipeline:` name',
      hint: 'Add `pipeline: <name>` at the top, e.g. `pipeline: penguin`.',
    });
  }
  if (!sawComponents && !hasSyntaxErrors) {
    c.add({
      range: FILE_START,
      code: 'missing-components',
      message: 'The pipeline file has no `components:`',
      hint: 'Add a `components:` map with at least one component.',
    });
  }
  return { pipeline, diagnostics: c.diagnostics, hasSyntaxErrors };
}

/** `schedule: {cron, timezone}`; a cron mistake is reported at the very character that is wrong. */
function parseSchedule(c: Collector, pair: Pair, keyRange: SourceRange): ScheduleIR | undefined {
  if (!isMap(pair.value)) {
    c.add({
      range: pair.value ? c.rangeOf(pair.value) : keyRange,
      code: 'invalid-schedule',
      message: '`schedule` must be a mapping with `cron:` (and optionally `timezone:`)',
      hint: 'For example `schedule: {cron: "0 3 * * *", timezone: Europe/Berlin}` runs it every day at 03:00.',
    });
    return undefined;
  }
  const schedule: ScheduleIR = { cron: '', range: c.rangeOf(pair.value) };
  let sawCron = false;
  eachPair(c, pair.value, '`schedule`', (key, p, range) => {
    const value = p.value;
    const text = scalarString(value);
    const valueRange = value ? c.rangeOf(value) : range;
    switch (key) {
      case 'cron': {
        sawCron = true;
        schedule.cronRange = valueRange;
        if (text === undefined) {
          c.add({ range: valueRange, code: 'invalid-schedule', message: '`cron` must be text such as "0 3 * * *"', hint: 'Quote it: a cron expression starting with `*` or `@` is not plain YAML.' });
          return;
        }
        schedule.cron = text;
        const parsed = parseCron(text);
        if (!parsed.ok) {
          // The scalar's source starts after its opening quote, if any.
          const node = value as Node & { type?: string };
          const quote = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
          const start = (node.range?.[0] ?? 0) + quote + parsed.error.offset;
          c.add({
            range: node.range ? c.lines.range(start, start + parsed.error.length) : valueRange,
            code: 'invalid-cron',
            message: `Invalid cron expression: ${parsed.error.message}`,
            hint: 'Five fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or jan-dec) day-of-week (0-7 or sun-sat), with `*`, lists `1,15`, ranges `1-5` and steps `*/10`; or @hourly, @daily, @weekly, @monthly, @yearly.',
          });
        }
        return;
      }
      case 'timezone': {
        schedule.timezoneRange = valueRange;
        if (text === undefined || !isKnownTimeZone(text)) {
          c.add({ range: valueRange, code: 'invalid-timezone', message: `${text === undefined ? '`timezone` must be text' : `Unknown time zone \`${text}\``}`, hint: 'Use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`.' });
          return;
        }
        schedule.timezone = text;
        return;
      }
      default:
        unknownField(c, key, range, SCHEDULE_FIELDS, '`schedule`');
    }
  });
  if (!sawCron) {
    c.add({ range: keyRange, code: 'invalid-schedule', message: '`schedule` needs `cron:`', hint: 'For example `cron: "0 3 * * *"` (every day at 03:00).' });
    return undefined;
  }
  return schedule.cron === '' ? undefined : schedule;
}
