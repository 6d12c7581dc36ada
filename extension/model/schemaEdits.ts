// "Accept this change into the schema": the edit of a curated schema file (what a SchemaImporter reads)
// that makes one anomaly go away, as TFDV's schema-curation workflow does by hand
// (`tfdv.get_domain(schema, 'island').value.append('Atlantis')`, `feature.presence.min_fraction = 0.9`,
// `feature.lifecycle_stage = DEPRECATED`, a comparator's threshold raised). Text edits only, on both
// formats SchemaImporter accepts: TFX's `schema.pbtxt` (protobuf text format; every comment and line the
// edit does not touch stays as it was) and `schema.json` (protobuf JSON, either key spelling, through
// jsonc-parser's formatting-preserving `modify`). Pure: no `vscode` import; the host turns the edits
// into a WorkspaceEdit the user sees and can undo.
import { findNodeAtLocation, modify, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { AnomalySummaryRow } from '../../common/anomalies';

export type SchemaFormat = 'json' | 'pbtxt';

export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export type SchemaEditPlan = { ok: true; label: string; edits: TextEdit[] } | { ok: false; note: string };

export function schemaFormatOf(file: string, text: string): SchemaFormat {
  return /\.json$/i.test(file) || /^\s*\{\s*"/.test(text) ? 'json' : 'pbtxt';
}

/** What to change, independent of the file format. */
type Change =
  | { kind: 'add-domain-values'; values: string[] }
  | { kind: 'set'; path: string[]; value: number | string; enumValue?: boolean };

function floorTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.floor(x * f + 1e-9) / f;
}

function ceilAbove(x: number, digits: number): number {
  const f = 10 ** digits;
  const up = Math.ceil(x * f - 1e-9) / f;
  return up > x ? up : up + 1 / f;
}

function numberOf(row: AnomalySummaryRow, key: string): number | undefined {
  const v = row.measurements?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The change that accepts `row`, with its label; or why there is none. */
function changeFor(row: AnomalySummaryRow): { change: Change; label: string } | { note: string } {
  const f = row.feature;
  switch (row.type) {
    case 'ENUM_TYPE_UNEXPECTED_STRING_VALUES': {
      const values = (row.unexpectedValues ?? []).map((v) => v.value);
      if (values.length === 0) return { note: 'the values outside the domain were not recorded' };
      const shown = values.slice(0, 3).map((v) => JSON.stringify(v)).join(', ');
      return { change: { kind: 'add-domain-values', values }, label: `Add ${shown}${values.length > 3 ? ` and ${values.length - 3} more` : ''} to the domain of ${f}` };
    }
    case 'FEATURE_TYPE_LOW_FRACTION_PRESENT': {
      const actual = numberOf(row, 'actual_fraction');
      if (actual === undefined) return { note: 'the measured fraction was not recorded' };
      const value = floorTo(actual, 2);
      return { change: { kind: 'set', path: ['presence', 'min_fraction'], value }, label: `Lower the presence ${f} needs to ${value} (min_fraction)` };
    }
    case 'FEATURE_TYPE_LOW_NUMBER_PRESENT': {
      const actual = numberOf(row, 'num_non_missing');
      if (actual === undefined) return { note: 'the measured count was not recorded' };
      return { change: { kind: 'set', path: ['presence', 'min_count'], value: actual }, label: `Lower the presence ${f} needs to ${actual} examples (min_count)` };
    }
    case 'SCHEMA_MISSING_COLUMN':
    case 'FEATURE_TYPE_NOT_PRESENT':
      return { change: { kind: 'set', path: ['lifecycle_stage'], value: 'DEPRECATED', enumValue: true }, label: `Deprecate ${f} in the schema (lifecycle_stage: DEPRECATED), so it is no longer required` };
    case 'INT_TYPE_SMALL_INT':
    case 'FLOAT_TYPE_SMALL_FLOAT': {
      const min = numberOf(row, 'min');
      if (min === undefined) return { note: 'the smallest value was not recorded' };
      const domain = row.type === 'INT_TYPE_SMALL_INT' ? 'int_domain' : 'float_domain';
      return { change: { kind: 'set', path: [domain, 'min'], value: min }, label: `Widen the domain of ${f} down to ${min} (${domain}.min)` };
    }
    case 'INT_TYPE_BIG_INT':
    case 'FLOAT_TYPE_BIG_FLOAT': {
      const max = numberOf(row, 'max');
      if (max === undefined) return { note: 'the largest value was not recorded' };
      const domain = row.type === 'INT_TYPE_BIG_INT' ? 'int_domain' : 'float_domain';
      return { change: { kind: 'set', path: [domain, 'max'], value: max }, label: `Widen the domain of ${f} up to ${max} (${domain}.max)` };
    }
    case 'COMPARATOR_L_INFTY_HIGH':
    case 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH': {
      const value = numberOf(row, 'distance') ?? numberOf(row, 'divergence');
      if (value === undefined) return { note: 'the distance was not recorded' };
      const comparator = /previous/.test(String(row.measurements?.['against'] ?? '')) ? 'drift_comparator' : 'skew_comparator';
      const measure = row.type === 'COMPARATOR_L_INFTY_HIGH' ? 'infinity_norm' : 'jensen_shannon_divergence';
      const threshold = ceilAbove(value, 2);
      return { change: { kind: 'set', path: [comparator, measure, 'threshold'], value: threshold }, label: `Raise the ${comparator.replace('_', ' ')} threshold of ${f} to ${threshold}` };
    }
    case 'SCHEMA_NEW_COLUMN':
      return { note: 'a new column is added to a curated schema by hand (its type, presence and domain are decisions)' };
  }
  return { note: `no schema edit accepts ${row.type}` };
}

/** The edit of `text` (the curated schema file) that accepts `row`. */
export function planSchemaEdit(text: string, format: SchemaFormat, row: AnomalySummaryRow): SchemaEditPlan {
  if (!row.feature) return { ok: false, note: 'dataset-level anomalies are set in dataset_constraints by hand' };
  const wanted = changeFor(row);
  if ('note' in wanted) return { ok: false, note: wanted.note };
  try {
    const edits = format === 'json' ? jsonEdits(text, row.feature, wanted.change) : pbtxtEdits(text, row.feature, wanted.change);
    if (typeof edits === 'string') return { ok: false, note: edits };
    return { ok: true, label: wanted.label, edits };
  } catch (e) {
    return { ok: false, note: `the schema file could not be read for editing (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** The one edit that turns `before` into `after`: everything between their common prefix and suffix. */
function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, newText: after.slice(start, after.length - end) };
}

/** Apply edits to a text (for tests and previews); edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Protobuf text format, with offsets

interface PbScalar {
  kind: 'scalar';
  name: string;
  start: number;
  valueStart: number;
  valueEnd: number;
  raw: string;
}

interface PbMessage {
  kind: 'message';
  name: string;
  start: number;
  open: number;
  /** Offset of the closing brace. */
  close: number;
  children: PbField[];
}

type PbField = PbScalar | PbMessage;

class PbReader {
  private i = 0;
  constructor(private readonly text: string) {}

  private skip(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === '#') {
        while (this.i < t.length && t[this.i] !== '\n') this.i++;
      } else if (/\s|,|;/.test(c)) this.i++;
      else break;
    }
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.i).split('\n').length;
    throw new Error(`line ${line}: ${what}`);
  }

  /** Fields until `}`/`>` or the end. */
  fields(closing?: string): PbField[] {
    const out: PbField[] = [];
    for (;;) {
      this.skip();
      if (this.i >= this.text.length) {
        if (closing) this.fail(`missing "${closing}"`);
        return out;
      }
      if (closing && this.text[this.i] === closing) return out;
      out.push(this.field());
    }
  }

  private field(): PbField {
    const start = this.i;
    const m = /^\[?[A-Za-z_][\w.]*\]?/.exec(this.text.slice(this.i));
    if (!m) this.fail(`expected a field name, found ${JSON.stringify(this.text[this.i])}`);
    const name = m[0];
    this.i += name.length;
    this.skip();
    let colon = false;
    if (this.text[this.i] === ':') {
      colon = true;
      this.i++;
      this.skip();
    }
    const c = this.text[this.i];
    if (c === '{' || c === '<') {
      const open = this.i++;
      const children = this.fields(c === '{' ? '}' : '>');
      const close = this.i++;
      return { kind: 'message', name, start, open, close, children };
    }
    if (!colon) this.fail(`expected ":" after ${name}`);
    const valueStart = this.i;
    if (c === '"' || c === "'") {
      // Adjacent string literals concatenate in text format.
      while (this.text[this.i] === '"' || this.text[this.i] === "'") {
        const q = this.text[this.i++];
        while (this.i < this.text.length && this.text[this.i] !== q) this.i += this.text[this.i] === '\\' ? 2 : 1;
        if (this.i >= this.text.length) this.fail('unterminated string');
        this.i++;
        const save = this.i;
        this.skip();
        if (this.text[this.i] !== '"' && this.text[this.i] !== "'") this.i = save;
      }
    } else if (c === '[') {
      while (this.i < this.text.length && this.text[this.i] !== ']') this.i++;
      this.i++;
    } else {
      const v = /^[^\s,;{}<>#]+/.exec(this.text.slice(this.i));
      if (!v) this.fail(`expected a value for ${name}`);
      this.i += v[0].length;
    }
    return { kind: 'scalar', name, start, valueStart, valueEnd: this.i, raw: this.text.slice(valueStart, this.i) };
  }
}

function unquote(raw: string): string {
  const parts = raw.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g);
  if (!parts) return raw;
  return parts
    .map((p) => p.slice(1, -1).replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n').replace(/\\t/g, '\t'))
    .join('');
}

/** A text-format string literal. */
function pbString(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  const from = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(from))![0];
}

/** The indentation of a message's children: the first child's, else the message's own plus two spaces. */
function childIndent(text: string, m: PbMessage): string {
  const first = m.children[0];
  return first ? indentAt(text, first.start) : `${indentAt(text, m.start)}  `;
}

function scalarChild(m: PbMessage, name: string): PbScalar | undefined {
  return m.children.find((c): c is PbScalar => c.kind === 'scalar' && c.name === name);
}

function messageChild(m: PbMessage | PbField[], name: string): PbMessage | undefined {
  const list = Array.isArray(m) ? m : m.children;
  return list.find((c): c is PbMessage => c.kind === 'message' && c.name === name);
}

/** Insert `lines` (already without indentation) as the last children of `m`, each on its own line. */
function insertAtEnd(text: string, m: PbMessage, lines: string[], indent: string): TextEdit {
  const closeLine = lineStart(text, m.close);
  const onOwnLine = /^[ \t]*$/.test(text.slice(closeLine, m.close));
  if (onOwnLine) return { offset: closeLine, length: 0, newText: lines.map((l) => `${indent}${l}\n`).join('') };
  // `presence { min_count: 1 }` on one line: put the new fields before the brace, on the same line.
  return { offset: m.close, length: 0, newText: `${lines.join(' ')} ` };
}

function pbtxtEdits(text: string, feature: string, change: Change): TextEdit[] | string {
  const top = new PbReader(text).fields();
  const f = top.find((x): x is PbMessage => x.kind === 'message' && x.name === 'feature' && unquote(scalarChild(x, 'name')?.raw ?? '') === feature);
  if (!f) return `the schema file has no feature named ${JSON.stringify(feature)}`;
  if (change.kind === 'add-domain-values') {
    let domain = messageChild(f, 'string_domain');
    if (!domain) {
      const named = scalarChild(f, 'domain');
      if (!named) return `${feature} has no string_domain in the schema file`;
      const name = unquote(named.raw);
      domain = top.find((x): x is PbMessage => x.kind === 'message' && x.name === 'string_domain' && unquote(scalarChild(x, 'name')?.raw ?? '') === name);
      if (!domain) return `the schema file names domain ${JSON.stringify(name)} for ${feature} but does not define it`;
    }
    const have = new Set(domain.children.filter((c): c is PbScalar => c.kind === 'scalar' && c.name === 'value').map((c) => unquote(c.raw)));
    const values = change.values.filter((v) => !have.has(v));
    if (values.length === 0) return 'the schema file already has these values';
    const last = [...domain.children].reverse().find((c) => c.kind === 'scalar' && c.name === 'value') as PbScalar | undefined;
    const indent = last ? indentAt(text, last.start) : childIndent(text, domain);
    if (last && /^[ \t]*$/.test(text.slice(lineStart(text, last.start), last.start))) {
      const eol = text.indexOf('\n', last.valueEnd);
      const at = eol < 0 ? text.length : eol + 1;
      return [{ offset: at, length: 0, newText: values.map((v) => `${indent}value: ${pbString(v)}\n`).join('') }];
    }
    return [insertAtEnd(text, domain, values.map((v) => `value: ${pbString(v)}`), indent)];
  }
  // A scalar at a path of sub-messages, created where missing.
  let m = f;
  const path = change.path;
  for (let k = 0; k < path.length - 1; k++) {
    const next = messageChild(m, path[k]!);
    if (!next) {
      const indent = childIndent(text, m);
      const rest = path.slice(k);
      const lines = nestedLines(rest, change, indent);
      return [insertAtEnd(text, m, lines, '')];
    }
    m = next;
  }
  const leaf = path[path.length - 1]!;
  const value = pbValue(change);
  const existing = scalarChild(m, leaf);
  if (existing) return [{ offset: existing.valueStart, length: existing.valueEnd - existing.valueStart, newText: value }];
  return [insertAtEnd(text, m, [`${leaf}: ${value}`], childIndent(text, m))];
}

function pbValue(change: Extract<Change, { kind: 'set' }>): string {
  return typeof change.value === 'number' || change.enumValue ? String(change.value) : pbString(change.value);
}

/** `drift_comparator {\n  infinity_norm {\n    threshold: 0.2\n  }\n}` as lines, each with its full indentation. */
function nestedLines(path: string[], change: Extract<Change, { kind: 'set' }>, indent: string): string[] {
  if (path.length === 1) return [`${indent}${path[0]}: ${pbValue(change)}`];
  return [`${indent}${path[0]} {`, ...nestedLines(path.slice(1), change, `${indent}  `), `${indent}}`];
}

// ---------------------------------------------------------------------------------------------
// Protobuf JSON (either key spelling)

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function keyIn(node: JsonNode | undefined, name: string): string | undefined {
  for (const p of node?.children ?? []) {
    const key = p.children?.[0]?.value;
    if (key === name || key === camel(name)) return key as string;
  }
  return undefined;
}

function jsonEdits(text: string, feature: string, change: Change): TextEdit[] | string {
  const root = parseTree(text);
  if (!root || root.type !== 'object') return 'the schema file is not a JSON object';
  const snake = /"[a-z]+_[a-z_]+"\s*:/.test(text);
  const spell = (name: string, within: JsonNode | undefined): string => keyIn(within, name) ?? (snake ? name : camel(name));
  const featureKey = keyIn(root, 'feature') ?? 'feature';
  const features = findNodeAtLocation(root, [featureKey]);
  const index = (features?.children ?? []).findIndex((f) => findNodeAtLocation(f, ['name'])?.value === feature);
  if (index < 0) return `the schema file has no feature named ${JSON.stringify(feature)}`;
  const fNode = features!.children![index]!;
  const indentUnit = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const formattingOptions = { insertSpaces: !indentUnit.includes('\t'), tabSize: indentUnit.includes('\t') ? 1 : indentUnit.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  const toEdits = (path: Array<string | number>, value: unknown): TextEdit[] => modify(text, path, value, { formattingOptions }).map((e) => ({ offset: e.offset, length: e.length, newText: e.content }));
  if (change.kind === 'add-domain-values') {
    let path: Array<string | number>;
    let domain: JsonNode | undefined;
    const inline = keyIn(fNode, 'string_domain');
    if (inline) {
      path = [featureKey, index, inline];
      domain = findNodeAtLocation(fNode, [inline]);
    } else {
      const named = findNodeAtLocation(fNode, ['domain'])?.value;
      if (typeof named !== 'string') return `${feature} has no string domain in the schema file`;
      const domainsKey = keyIn(root, 'string_domain');
      const domains = domainsKey ? findNodeAtLocation(root, [domainsKey]) : undefined;
      const at = (domains?.children ?? []).findIndex((d) => findNodeAtLocation(d, ['name'])?.value === named);
      if (at < 0) return `the schema file names domain ${JSON.stringify(named)} for ${feature} but does not define it`;
      path = [domainsKey!, at];
      domain = domains!.children![at];
    }
    const values = findNodeAtLocation(domain!, ['value']);
    const have = new Set((values?.children ?? []).map((v) => v.value as string));
    const add = change.values.filter((v) => !have.has(v));
    if (add.length === 0) return 'the schema file already has these values';
    if (!values) return toEdits([...path, 'value'], add);
    // One modification per value, each on the text as changed by the previous: combine into one replacement.
    let current = text;
    for (const v of add) current = applyEdits(current, modify(current, [...path, 'value', -1], v, { formattingOptions }).map((e) => ({ offset: e.offset, length: e.length, newText: e.content })));
    return [minimalEdit(text, current)];
  }
  const path: Array<string | number> = [featureKey, index];
  let node: JsonNode | undefined = fNode;
  for (const part of change.path) {
    const key = spell(part, node);
    path.push(key);
    node = node ? findNodeAtLocation(node, [key]) : undefined;
  }
  return toEdits(path, change.value);
}
