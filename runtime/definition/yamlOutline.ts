// A line-based reading of pipeline YAML that works on half-typed, invalid text: which keys enclose the
// cursor, and which components (id, type, references, declared outputs) the file has. Completion needs
// this while the user types, when the YAML parser's recovery would have dropped or mangled the very
// line being written. It understands what pipeline files use: block mappings by indentation, flow
// mappings and lists on one line (`inputs: {examples: example_gen.examples}`), `- ` items and comments.

/** One non-blank line: its indentation and, when it has one, the key before the colon. */
interface OutlineLine {
  /** 0-based line number. */
  line: number;
  indent: number;
  /** Column (0-based) where the content starts, after indentation and a `- ` marker. */
  contentStart: number;
  dash: boolean;
  /** The text after indentation and dash, comment stripped. */
  content: string;
  key?: string;
  /** The text after `key:` (comment stripped), '' when the value is on the following lines. */
  value?: string;
  valueStart?: number;
}

const KEY_AT = /^(?:"([^"]*)"|'([^']*)'|([^\s:#{}[\],'"][^:#{}[\],]*?))\s*:(?=\s|$)/;

function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i);
  }
  return text;
}

function readLine(text: string, line: number): OutlineLine | undefined {
  const body = stripComment(text);
  if (!body.trim()) return undefined;
  const indent = body.length - body.trimStart().length;
  let start = indent;
  let dash = false;
  const dashMatch = /^-(\s+|$)/.exec(body.slice(start));
  if (dashMatch) {
    dash = true;
    start += dashMatch[0].length;
  }
  const content = body.slice(start).trimEnd();
  const m = KEY_AT.exec(body.slice(start));
  if (!m) return { line, indent, contentStart: start, dash, content };
  const key = m[1] ?? m[2] ?? m[3];
  const afterKey = start + m[0].length;
  const rest = body.slice(afterKey);
  const valueStart = afterKey + (rest.length - rest.trimStart().length);
  return { line, indent, contentStart: start, dash, content, key, value: body.slice(valueStart).trimEnd(), valueStart };
}

export function outlineLines(text: string): OutlineLine[] {
  const out: OutlineLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = readLine(lines[i].replace(/\r$/, ''), i);
    if (l) out.push(l);
  }
  return out;
}

/** Where the cursor is: under which keys, and whether a key or a value is being typed there. */
export interface CursorContext {
  /** Enclosing keys from the top, e.g. ['components', 'trainer', 'params']. For a value, the last is its key. */
  path: string[];
  kind: 'key' | 'value';
  /** The word being typed (what completion filters on and replaces). */
  partial: string;
  /** 0-based column where `partial` starts. */
  partialStart: number;
  /** Inside a list: how deep (1 for `[a, |]` or a `- ` item, 2 for `[[a, |]]`). */
  listDepth: number;
  /** Indentation of the cursor's line (for snippets). */
  indent: number;
  /** Keys already written beside the cursor (siblings), so completion does not offer them again. */
  siblings: string[];
}

/** Reads a flow collection (`{a: x, b: [y, |`) up to the cursor: the innermost key and what is typed. */
function flowContext(text: string, offset: number): { keys: string[]; kind: 'key' | 'value'; partial: string; partialStart: number; listDepth: number; siblings: string[] } {
  interface Frame {
    map: boolean;
    key?: string;
    afterColon: boolean;
    tokenStart: number;
    siblings: string[];
  }
  const stack: Frame[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const top = stack[stack.length - 1];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') stack.push({ map: ch === '{', afterColon: false, tokenStart: i + 1, siblings: [] });
    else if ((ch === '}' || ch === ']') && stack.length) {
      stack.pop();
    } else if (top && ch === ',') {
      top.afterColon = false;
      top.key = undefined;
      top.tokenStart = i + 1;
    } else if (top?.map && !top.afterColon && ch === ':' && (i + 1 >= text.length || /\s/.test(text[i + 1]))) {
      top.key = text.slice(top.tokenStart, i).trim().replace(/^["']|["']$/g, '');
      top.siblings.push(top.key);
      top.afterColon = true;
      top.tokenStart = i + 1;
    }
  }
  const keys: string[] = [];
  let listDepth = 0;
  for (const f of stack) {
    if (f.map && f.key !== undefined && f.afterColon) keys.push(f.key);
    else if (!f.map) listDepth++;
  }
  const top = stack[stack.length - 1];
  const raw = top ? text.slice(top.tokenStart) : text;
  const lead = raw.length - raw.trimStart().length;
  const partialStart = offset + (top ? top.tokenStart : 0) + lead;
  const partial = raw.trimStart().replace(/^["']/, '');
  const quoted = raw.trimStart().length !== partial.length ? 1 : 0;
  if (!top) return { keys, kind: 'value', partial, partialStart: partialStart + quoted, listDepth, siblings: [] };
  const kind = top.map && !top.afterColon ? 'key' : 'value';
  // A map's siblings are the keys written in it; when typing a key, the key under the cursor does not count.
  return { keys: kind === 'key' ? keys : keys, kind, partial, partialStart: partialStart + quoted, listDepth, siblings: top.map ? top.siblings : [] };
}

/** The keys enclosing a position, from the lines above it (indentation decides who is whose parent). */
function parentsAbove(lines: OutlineLine[], beforeLine: number, indent: number): { parents: OutlineLine[]; siblings: string[] } {
  const parents: OutlineLine[] = [];
  const siblings: string[] = [];
  let limit = indent;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.line >= beforeLine) continue;
    // A `- key: v` item's key sits after the dash; the dash belongs to the list of the parent key.
    const keyIndent = l.dash ? l.contentStart : l.indent;
    if (parents.length === 0 && l.key !== undefined && keyIndent === limit) siblings.push(l.key);
    if (l.key !== undefined && keyIndent < limit) {
      parents.unshift(l);
      limit = l.dash ? l.indent : keyIndent;
      if (limit === 0) break;
    } else if (l.dash && l.indent < limit) limit = l.indent;
  }
  return { parents, siblings };
}

/** Keys written below the cursor at its own indentation, up to the end of the block. */
function siblingsBelow(lines: OutlineLine[], afterLine: number, indent: number): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.line <= afterLine) continue;
    if (l.indent < indent) break;
    if (l.indent === indent && l.key !== undefined && !l.dash) out.push(l.key);
  }
  return out;
}

/** The cursor's context at a 0-based line and column. */
export function cursorContext(text: string, line: number, column: number): CursorContext {
  const all = text.split('\n');
  const current = (all[line] ?? '').replace(/\r$/, '');
  const prefix = current.slice(0, column);
  const lines = outlineLines(text);
  const indent = prefix.length - prefix.trimStart().length;
  let contentStart = indent;
  let listDepth = 0;
  const dashMatch = /^-(\s+|$)/.exec(prefix.slice(indent));
  if (dashMatch) {
    contentStart += dashMatch[0].length;
    listDepth = 1;
  }
  const body = prefix.slice(contentStart);
  const keyMatch = KEY_AT.exec(body);
  const { parents, siblings } = parentsAbove(lines, line, listDepth ? indent + 1 : contentStart);
  const path = parents.map((p) => p.key as string);
  const below = siblingsBelow(lines, line, contentStart);
  if (keyMatch) {
    const key = keyMatch[1] ?? keyMatch[2] ?? keyMatch[3];
    const valueOffset = contentStart + keyMatch[0].length;
    const valueText = prefix.slice(valueOffset);
    const trimmed = valueText.trimStart();
    const valueStart = valueOffset + (valueText.length - trimmed.length);
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const f = flowContext(trimmed, valueStart);
      return { path: [...path, key, ...f.keys], kind: f.kind, partial: f.partial, partialStart: f.partialStart, listDepth: listDepth + f.listDepth, indent, siblings: f.siblings };
    }
    const unquoted = trimmed.replace(/^["']/, '');
    return { path: [...path, key], kind: 'value', partial: unquoted, partialStart: valueStart + (trimmed.length - unquoted.length), listDepth: 0, indent, siblings: [] };
  }
  if (listDepth) {
    // `- |` under a key: an item of that key's list.
    const trimmed = body.trimStart();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      const f = flowContext(trimmed, contentStart + (body.length - trimmed.length));
      return { path: [...path, ...f.keys], kind: f.kind, partial: f.partial, partialStart: f.partialStart, listDepth: listDepth + f.listDepth, indent, siblings: f.siblings };
    }
    const unquoted = trimmed.replace(/^["']/, '');
    return { path, kind: 'value', partial: unquoted, partialStart: column - unquoted.length, listDepth, indent, siblings: [] };
  }
  const unquoted = body.replace(/^["']/, '');
  return { path, kind: 'key', partial: unquoted, partialStart: column - unquoted.length, listDepth: 0, indent, siblings: [...siblings, ...below] };
}

/** A component as far as the text says, even when the file does not parse. */
export interface OutlineComponent {
  id: string;
  type?: string;
  /** `<component>.<output>` references written under `inputs:`, by input key. */
  inputs: Record<string, Array<{ component: string; output: string }>>;
  /** Declared `outputs:` (Command, Function, Resolver): key -> artifact type. */
  outputs: Record<string, string>;
  /** Param keys written. */
  params: string[];
  /** Scalar param values as written (unquoted), e.g. an Importer's `artifact_type`. */
  paramValues?: Record<string, string>;
  /** 0-based first and last line of the component's block. */
  startLine: number;
  endLine: number;
}

export interface PipelineOutline {
  name?: string;
  components: OutlineComponent[];
}

function flowPairs(value: string): Array<[string, string]> {
  const inner = value.trim().replace(/^\{/, '').replace(/\}\s*$/, '');
  const out: Array<[string, string]> = [];
  for (const part of inner.split(',')) {
    const m = /^\s*["']?([^"':]+?)["']?\s*:\s*(.*?)\s*$/.exec(part);
    if (m) out.push([m[1], m[2].replace(/^["']|["']$/g, '')]);
  }
  return out;
}

const REFERENCE = /([a-z][a-z0-9_]*)\.([A-Za-z0-9_]+)/g;

function referencesIn(value: string): Array<{ component: string; output: string }> {
  return [...value.matchAll(REFERENCE)].map((m) => ({ component: m[1], output: m[2] }));
}

/** Every component the text shows, in file order. */
export function pipelineOutline(text: string): PipelineOutline {
  const lines = outlineLines(text);
  const outline: PipelineOutline = { components: [] };
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i];
    if (l.indent !== 0 || l.dash) continue;
    if (l.key === 'pipeline' && l.value) outline.name = l.value.replace(/^["']|["']$/g, '');
    if (l.key === 'components') break;
  }
  if (i >= lines.length) return outline;
  const childIndent = lines[i + 1]?.indent;
  if (childIndent === undefined || childIndent === 0) return outline;
  let comp: OutlineComponent | undefined;
  let fieldIndent: number | undefined;
  let section: { key: string; childIndent?: number } | undefined;
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j];
    if (l.indent === 0 && !l.dash && l.key !== undefined) {
      if (l.key === 'pipeline' && l.value) outline.name = l.value.replace(/^["']|["']$/g, '');
      break;
    }
    if (l.indent === childIndent && l.key !== undefined && !l.dash) {
      comp = { id: l.key, inputs: {}, outputs: {}, params: [], startLine: l.line, endLine: l.line };
      outline.components.push(comp);
      fieldIndent = undefined;
      section = undefined;
      // `trainer: {type: Trainer, ...}` on one line.
      if (l.value?.startsWith('{')) for (const [k, v] of flowPairs(l.value)) if (k === 'type') comp.type = v;
      continue;
    }
    if (!comp || l.indent <= childIndent) continue;
    comp.endLine = l.line;
    fieldIndent ??= l.indent;
    if (l.indent <= fieldIndent && !l.dash) {
      section = undefined;
      if (l.key === undefined) continue;
      const value = l.value ?? '';
      if (l.key === 'type') comp.type = value.replace(/^["']|["']$/g, '') || undefined;
      else if (l.key === 'inputs' || l.key === 'outputs' || l.key === 'params') {
        if (value.startsWith('{')) for (const [k, v] of flowPairs(value)) addToSection(comp, l.key, k, v);
        else section = { key: l.key };
      }
      continue;
    }
    if (!section) continue;
    section.childIndent ??= l.dash ? undefined : l.indent;
    if (!l.dash && l.key !== undefined && l.indent === section.childIndent) addToSection(comp, section.key, l.key, l.value ?? '');
    else if (section.key === 'inputs') addReferences(comp, lastKey(comp.inputs), l.dash ? (l.key !== undefined ? '' : l.content) : (l.value ?? ''));
  }
  return outline;
}

function lastKey(record: Record<string, unknown>): string | undefined {
  const keys = Object.keys(record);
  return keys[keys.length - 1];
}

function addReferences(comp: OutlineComponent, key: string | undefined, value: string): void {
  if (key === undefined) return;
  comp.inputs[key].push(...referencesIn(value));
}

function addToSection(comp: OutlineComponent, section: string, key: string, value: string): void {
  if (section === 'inputs') comp.inputs[key] = referencesIn(value);
  else if (section === 'outputs') {
    if (/^[A-Za-z_][\w.]*$/.test(value)) comp.outputs[key] = value;
  } else {
    comp.params.push(key);
    const scalar = value.trim().replace(/^["']|["']$/g, '');
    if (scalar) (comp.paramValues ??= {})[key] = scalar;
  }
}
