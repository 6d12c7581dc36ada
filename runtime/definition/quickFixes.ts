// Quick fixes that need the whole pipeline or the text, added after validation: a wrong reference ->
// the outputs that the input accepts; a missing required input -> insert it, wired to a matching
// output; a missing required param -> insert it with its default. (Did-you-mean replacements of a
// single word are made where the problem is found, in parse.ts and validate.ts.)
import { nodeOutputTypes, type ComponentDescription } from '../components/spec';
import type { ComponentCatalog } from './componentCatalog';
import { downstreamOf } from './graph';
import { levenshtein } from './suggestions';
import type { ComponentIR, PipelineDiagnostic, PipelineIR, QuickFix, SourceRange } from './ir';

const MAX_REFERENCE_FIXES = 4;

function specOf(catalog: ComponentCatalog, type: string): ComponentDescription | undefined {
  try {
    return catalog.get(type);
  } catch {
    return undefined;
  }
}

function outputsOf(c: ComponentIR, catalog: ComponentCatalog): Record<string, string> {
  const spec = specOf(catalog, c.type);
  return spec ? nodeOutputTypes(spec, c) : {};
}

/** `<id>.<output>` of every output of type `type` that `comp` may read (no cycles), nearest above it first. */
function candidates(p: PipelineIR, comp: ComponentIR, type: string, catalog: ComponentCatalog): string[] {
  const downstream = new Set([comp.id, ...downstreamOf(p, comp.id)]);
  const index = p.components.indexOf(comp);
  const above: string[] = [];
  const below: string[] = [];
  p.components.forEach((c, i) => {
    if (downstream.has(c.id)) return;
    for (const [key, t] of Object.entries(outputsOf(c, catalog))) if (t === type) (i < index ? above : below).push(`${c.id}.${key}`);
  });
  return [...above.reverse(), ...below];
}

function sameRange(a: SourceRange | undefined, b: SourceRange): boolean {
  return !!a && a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

/** The input key of `comp` whose reference sits at `range`. */
function inputAt(comp: ComponentIR, range: SourceRange): string | undefined {
  for (const [key, refs] of Object.entries(comp.inputs)) if (refs.some((r) => sameRange(r.range, range))) return key;
  return undefined;
}

/** One `key: value` entry inserted into `inputs:` or `params:` of a component, in YAML text. */
function insertEntry(comp: ComponentIR, section: 'inputs' | 'params', key: string, value: string, text: string): Omit<QuickFix, 'title'> | undefined {
  const all = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const lineText = (line: number): string => all[line - 1] ?? '';
  const indentOf = (line: number): string => /^\s*/.exec(lineText(line))?.[0] ?? '';
  const sectionRange = section === 'inputs' ? comp.inputsRange : comp.paramsRange;
  const entries = Object.values(section === 'inputs' ? comp.inputRanges : comp.paramRanges);
  if (sectionRange) {
    const l = lineText(sectionRange.start.line);
    const after = l.slice(sectionRange.end.column - 1);
    const flow = /^\s*:\s*\{(.*)\}\s*(#.*)?$/.exec(after);
    if (flow) {
      // `inputs: {a: x.y}` -> `inputs: {a: x.y, key: value}`
      const close = sectionRange.end.column - 1 + after.lastIndexOf('}');
      const at = { line: sectionRange.start.line, column: close + 1 };
      return { range: { start: at, end: at }, replacement: `${flow[1].trim() ? ', ' : ''}${key}: ${value}` };
    }
    const first = entries.sort((a, b) => a.start.line - b.start.line)[0];
    if (first && first.start.line > sectionRange.start.line) {
      const at = { line: first.start.line, column: first.start.column };
      return { range: { start: at, end: at }, replacement: `${key}: ${value}\n${' '.repeat(first.start.column - 1)}` };
    }
    if (/^\s*:\s*(#.*)?$/.test(after)) {
      // `inputs:` with nothing under it yet.
      const end = { line: sectionRange.start.line, column: lineText(sectionRange.start.line).length + 1 };
      return { range: { start: end, end }, replacement: `\n${indentOf(sectionRange.start.line)}  ${key}: ${value}` };
    }
    return undefined;
  }
  // No `inputs:` yet: add the section under `type:`.
  const typeLine = comp.typeRange?.start.line;
  if (typeLine === undefined || !/^\s*type\s*:/.test(lineText(typeLine))) return undefined;
  const end = { line: typeLine, column: lineText(typeLine).replace(/\r$/, '').length + 1 };
  const indent = indentOf(typeLine);
  return { range: { start: end, end }, replacement: `\n${indent}${section}:\n${indent}  ${key}: ${value}` };
}

/** Adds the fixes above to the diagnostics of a YAML pipeline (in place). */
export function addQuickFixes(diagnostics: PipelineDiagnostic[], p: PipelineIR, text: string, catalog: ComponentCatalog): void {
  const byId = new Map(p.components.map((c) => [c.id, c]));
  for (const d of diagnostics) {
    const comp = d.component !== undefined ? byId.get(d.component) : undefined;
    if (!comp) continue;
    const spec = specOf(catalog, comp.type);
    if (!spec) continue;
    if ((d.code === 'unknown-component-reference' || d.code === 'unknown-output-reference' || d.code === 'artifact-type-mismatch') && !d.fixes?.length) {
      const key = inputAt(comp, d.range);
      const type = key !== undefined ? spec.inputs[key]?.type : undefined;
      if (!type) continue;
      const ref = comp.inputs[key!]?.find((r) => sameRange(r.range, d.range));
      // What the user wrote tells which is meant: the same component first, then the closest name.
      const closeness = (c: string): number => (ref && c.startsWith(`${ref.component}.`) ? 0 : 1000) + (ref ? levenshtein(c, `${ref.component}.${ref.output}`) : 0);
      const found = candidates(p, comp, type, catalog)
        .map((c, i) => ({ c, score: closeness(c) * 100 + i }))
        .sort((a, b) => a.score - b.score)
        .map((x) => x.c)
        .slice(0, MAX_REFERENCE_FIXES);
      if (found.length) d.fixes = found.map((ref) => ({ title: `Change to \`${ref}\` (${type})`, range: d.range, replacement: ref }));
    } else if (d.code === 'missing-input' && p.format === 'yaml') {
      const key = Object.entries(spec.inputs).find(([k, is]) => !is.optional && !(k in comp.inputs) && d.message.includes(`input \`${k}\``))?.[0];
      if (key === undefined) continue;
      const ref = candidates(p, comp, spec.inputs[key].type, catalog)[0];
      const edit = ref ? insertEntry(comp, 'inputs', key, ref, text) : undefined;
      if (edit) d.fixes = [{ title: `Add input \`${key}: ${ref}\``, ...edit }];
    } else if (d.code === 'missing-param' && p.format === 'yaml') {
      const key = Object.entries(spec.params).find(([k, ps]) => ps.required && !(k in comp.params) && d.message.includes(`param \`${k}\``))?.[0];
      if (key === undefined) continue;
      const ps = spec.params[key];
      const value = ps.default !== undefined ? JSON.stringify(ps.default) : ps.enum?.[0] ?? (ps.type === 'string' || ps.type === 'path' ? '""' : ps.type === 'array' ? '[]' : ps.type === 'object' ? '{}' : ps.type === 'boolean' ? 'false' : '0');
      const edit = insertEntry(comp, 'params', key, value, text);
      if (edit) d.fixes = [{ title: `Add param \`${key}: ${value}\``, ...edit }];
    }
  }
}
