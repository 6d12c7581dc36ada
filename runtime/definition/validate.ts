// Validation of a parsed pipeline against component specs (load.ts runs it after parsing). Pure apart
// from checking that files named by path params exist; it never loads the registry itself.
// Every problem is reported at once, each with an exact range, a message and a hint of what to do.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { acceptsDeclaredOutputs, nodeOutputTypes, type ComponentDescription, type ParamSpec } from '../components/spec';
import type { ComponentCatalog } from './componentCatalog';
import type { ComponentIR, InputReference, ParamValue, PipelineDiagnostic, PipelineIR, SourceRange } from './ir';
import { findCycles } from './graph';
import { checkPath } from './pathChecks';
import { FILE_START } from './sourcePositions';
import { didYouMean } from './suggestions';

export interface ValidateOptions {
  /** Component specs: registryCatalog in the runtime, catalogFromSchema(...) in the extension host. */
  catalog: ComponentCatalog;
  /** Check that files named by `path` params exist (default true). Off for unsaved buffers. */
  checkPaths?: boolean;
}

type Problem = Omit<PipelineDiagnostic, 'file' | 'severity'> & { severity?: PipelineDiagnostic['severity'] };

function describe(value: ParamValue): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  return `${typeof value} \`${String(value)}\``;
}

const TYPE_WORDS: Record<ParamSpec['type'], string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  path: 'a path (text)',
  any: 'any value',
};

function matchesType(value: ParamValue, type: ParamSpec['type']): boolean {
  switch (type) {
    case 'string':
    case 'path':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'any':
      return true;
  }
}

// Compiled extra schemas of params, once per ParamSpec object.
const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<ParamSpec, ValidateFunction | null>();
function extraSchema(spec: ParamSpec): ValidateFunction | null {
  if (!spec.schema) return null;
  let fn = compiled.get(spec);
  if (fn === undefined) {
    try {
      fn = ajv.compile(spec.schema);
    } catch {
      fn = null; // A broken schema in a spec is the spec author's bug, not the user's.
    }
    compiled.set(spec, fn);
  }
  return fn;
}

function outputsOf(comp: ComponentIR, spec: ComponentDescription): Record<string, string> {
  return nodeOutputTypes(spec, comp);
}

function refText(ref: InputReference): string {
  return `${ref.component}.${ref.output}`;
}

/**
 * A hook's message names the param, not the list item; when it quotes a `{{placeholder}}`, point at
 * the item that contains it (one argument of a Command).
 */
function itemRange(comp: ComponentIR, param: string, message: string): SourceRange | undefined {
  const quoted = /\{\{[^}]*\}\}/.exec(message)?.[0];
  const value = comp.params[param];
  if (!quoted || !Array.isArray(value)) return undefined;
  const i = value.findIndex((v) => typeof v === 'string' && v.includes(quoted));
  return i >= 0 ? comp.paramItemRanges?.[param]?.[i] : undefined;
}

function validateParams(comp: ComponentIR, spec: ComponentDescription, p: PipelineIR, opts: ValidateOptions, add: (d: Problem) => void): void {
  const keyRange = (k: string): SourceRange => comp.paramRanges[k] ?? comp.idRange ?? FILE_START;
  const valueRange = (k: string): SourceRange => comp.paramValueRanges?.[k] ?? keyRange(k);
  const known = Object.keys(spec.params);
  for (const [key, value] of Object.entries(comp.params)) {
    const ps = spec.params[key];
    if (!ps && spec.anyParams) continue;
    if (!ps) {
      const suggestion = didYouMean(key, known);
      add({
        range: keyRange(key),
        code: 'unknown-param',
        message: `${spec.type} has no param \`${key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        hint: known.length ? `Params of ${spec.type}: ${known.join(', ')}.` : `${spec.type} takes no params.`,
        fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, range: keyRange(key), replacement: suggestion }] : undefined,
        component: comp.id,
      });
      continue;
    }
    if (!matchesType(value, ps.type)) {
      add({
        range: valueRange(key),
        code: 'param-type',
        message: `Param \`${key}\` of \`${comp.id}\` must be ${TYPE_WORDS[ps.type]}${value === null ? ', but it is empty' : `, not ${describe(value)}`}`,
        // YAML reads `2024` or `yes` as a number or boolean: quoting is the usual fix for text params.
        hint: (ps.type === 'string' || ps.type === 'path') && (typeof value === 'number' || typeof value === 'boolean') ? `Quote it: "${String(value)}". ${ps.doc}` : ps.doc,
        component: comp.id,
      });
      continue;
    }
    if (ps.enum && !ps.enum.includes(String(value))) {
      const suggestion = didYouMean(String(value), ps.enum);
      add({
        range: valueRange(key),
        code: 'param-enum',
        message: `Param \`${key}\` of \`${comp.id}\` must be one of ${ps.enum.map((e) => `\`${e}\``).join(', ')}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        hint: ps.doc,
        fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, range: valueRange(key), replacement: suggestion }] : undefined,
        component: comp.id,
      });
      continue;
    }
    const schemaCheck = extraSchema(ps);
    if (schemaCheck && !schemaCheck(value)) {
      const err = schemaCheck.errors?.[0];
      const where = err?.instancePath ? ` at ${err.instancePath}` : '';
      add({
        range: valueRange(key),
        code: 'param-type',
        message: `Param \`${key}\` of \`${comp.id}\` is not valid${where}: ${err?.message ?? 'does not match its schema'}`,
        hint: ps.doc,
        component: comp.id,
      });
      continue;
    }
    if (ps.type === 'path' && ps.mustExist && opts.checkPaths !== false && typeof value === 'string') {
      const base = dirname(p.file);
      if (existsSync(base)) {
        const problem = checkPath(base, value, ps.mustExist);
        if (problem) {
          add({
            range: valueRange(key),
            code: 'path-not-found',
            message: `Param \`${key}\` of \`${comp.id}\`: ${problem} (relative to ${base})`,
            hint: 'Paths are relative to the pipeline file. Fix the path or create the file.',
            component: comp.id,
          });
        }
      }
    }
  }
  for (const [key, ps] of Object.entries(spec.params)) {
    if (ps.required && !(key in comp.params)) {
      add({
        range: comp.paramsRange ?? comp.idRange ?? FILE_START,
        code: 'missing-param',
        message: `\`${comp.id}\` (${spec.type}) needs param \`${key}\``,
        hint: `Add \`${key}:\` under params: ${ps.doc}`,
        component: comp.id,
      });
    }
  }
  if (spec.validate) {
    let problems: ReturnType<NonNullable<ComponentDescription['validate']>> = [];
    try {
      problems = spec.validate(comp.params, comp.outputs);
    } catch (err) {
      problems = [{ param: '', message: `could not be checked: ${err instanceof Error ? err.message : String(err)}` }];
    }
    for (const pr of problems) {
      add({
        range: pr.param ? itemRange(comp, pr.param, pr.message) ?? valueRange(pr.param) : comp.idRange ?? FILE_START,
        code: 'component-check',
        message: `\`${comp.id}\`${pr.param ? ` param \`${pr.param}\`` : ''}: ${pr.message}`,
        hint: pr.hint ?? (pr.param ? `${spec.params[pr.param]?.doc ?? `Check \`${pr.param}\`.`}` : spec.doc),
        component: comp.id,
      });
    }
  }
}

function validateInputs(
  comp: ComponentIR,
  spec: ComponentDescription,
  byId: Map<string, ComponentIR>,
  catalog: ComponentCatalog,
  add: (d: Problem) => void,
): void {
  const knownInputs = Object.keys(spec.inputs);
  for (const [key, refs] of Object.entries(comp.inputs)) {
    const keyRange = comp.inputRanges[key] ?? comp.idRange ?? FILE_START;
    const is = spec.inputs[key];
    if (!is && !spec.anyInputs) {
      const suggestion = didYouMean(key, knownInputs);
      add({
        range: keyRange,
        code: 'unknown-input',
        message: `${spec.type} has no input \`${key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        hint: knownInputs.length ? `Inputs of ${spec.type}: ${knownInputs.join(', ')}.` : `${spec.type} takes no inputs.`,
        fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, range: keyRange, replacement: suggestion }] : undefined,
        component: comp.id,
      });
    }
    if (is && !is.multiple && refs.length > 1) {
      add({
        range: keyRange,
        code: 'too-many-channels',
        message: `Input \`${key}\` of \`${comp.id}\` takes one channel, not ${refs.length}`,
        hint: 'Keep one `<component>.<output>` reference.',
        component: comp.id,
      });
    }
    for (const ref of refs) {
      const range = ref.range ?? keyRange;
      const target = byId.get(ref.component);
      if (!target) {
        const suggestion = didYouMean(ref.component, byId.keys());
        add({
          range,
          code: 'unknown-component-reference',
          message: `Input \`${key}\` of \`${comp.id}\` refers to \`${ref.component}\`, which is not a component of this pipeline${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
          hint: `Components: ${[...byId.keys()].join(', ')}.`,
          fixes: suggestion ? [{ title: `Change to \`${suggestion}.${ref.output}\``, range, replacement: `${suggestion}.${ref.output}` }] : undefined,
          component: comp.id,
        });
        continue;
      }
      const targetSpec = catalog.get(target.type);
      if (!targetSpec) continue; // Its unknown type is reported on its own line.
      const outputs = outputsOf(target, targetSpec);
      const outType = outputs[ref.output];
      if (outType === undefined) {
        const suggestion = didYouMean(ref.output, Object.keys(outputs));
        add({
          range,
          code: 'unknown-output-reference',
          message: `\`${target.id}\` (${target.type}) has no output \`${ref.output}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
          hint: Object.keys(outputs).length
            ? `Outputs of \`${target.id}\`: ${Object.entries(outputs).map(([k, t]) => `${k} (${t})`).join(', ')}.`
            : `\`${target.id}\` declares no outputs${targetSpec.declaredOutputs ? '; add them under its `outputs:`' : ''}.`,
          fixes: suggestion ? [{ title: `Change to \`${target.id}.${suggestion}\``, range, replacement: `${target.id}.${suggestion}` }] : undefined,
          component: comp.id,
        });
        continue;
      }
      if (is && is.type !== outType) {
        const candidates = Object.entries(outputs)
          .filter(([, t]) => t === is.type)
          .map(([k]) => `${target.id}.${k}`);
        add({
          range,
          code: 'artifact-type-mismatch',
          message: `Input \`${key}\` of \`${comp.id}\` takes ${is.type}, but \`${refText(ref)}\` is ${outType}`,
          hint: candidates.length
            ? `Use ${candidates.map((c) => `\`${c}\``).join(' or ')}.`
            : `Wire an output of type ${is.type} into \`${key}\`.`,
          fixes: candidates.length === 1 ? [{ title: `Change to \`${candidates[0]}\``, range, replacement: candidates[0] }] : undefined,
          component: comp.id,
        });
      }
    }
  }
  for (const [key, is] of Object.entries(spec.inputs)) {
    if (is.optional || key in comp.inputs) continue;
    add({
      range: comp.inputsRange ?? comp.idRange ?? FILE_START,
      code: 'missing-input',
      message: `\`${comp.id}\` (${spec.type}) needs input \`${key}\` (${is.type})`,
      hint: `Add \`${key}: <component>.<output>\` under inputs: ${is.doc}`,
      component: comp.id,
    });
  }
}

const INPUT_PLACEHOLDER = /\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * `{{inputs.x}}` in the params of a component that takes any inputs (Command, Function) must name one
 * of its inputs. The spec's own validate hook cannot check this: it does not see the inputs.
 */
function validatePlaceholders(comp: ComponentIR, add: (d: Problem) => void): void {
  const visit = (key: string, value: ParamValue, range: SourceRange | undefined): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(INPUT_PLACEHOLDER)) {
        if (m[1] in comp.inputs) continue;
        const suggestion = didYouMean(m[1], Object.keys(comp.inputs));
        add({
          range: range ?? comp.paramValueRanges?.[key] ?? comp.paramRanges[key] ?? comp.idRange ?? FILE_START,
          code: 'unknown-placeholder',
          message: `\`{{inputs.${m[1]}}}\` in param \`${key}\` of \`${comp.id}\` names no input${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
          hint: `Add \`${m[1]}: <component>.<output>\` under inputs:, or fix the name.`,
        });
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(key, v, range ?? comp.paramItemRanges?.[key]?.[i]));
    else if (value && typeof value === 'object') for (const v of Object.values(value)) visit(key, v, range);
  };
  for (const [key, value] of Object.entries(comp.params)) visit(key, value, undefined);
}

/** Semantic checks of a parsed pipeline. Never throws. */
export function validatePipeline(p: PipelineIR, opts: ValidateOptions): PipelineDiagnostic[] {
  const catalog = opts.catalog;
  const diagnostics: PipelineDiagnostic[] = [];
  const byId = new Map(p.components.map((c) => [c.id, c]));
  for (const comp of p.components) {
    const add = (d: Problem): void => {
      diagnostics.push({ file: p.file, severity: 'error', component: comp.id, ...d });
    };
    if (!comp.type) continue; // Reported by the parser.
    const spec = catalog.get(comp.type);
    if (!spec) {
      const types = [...catalog.types()];
      const suggestion = didYouMean(comp.type, types);
      const range = comp.typeRange ?? comp.idRange ?? FILE_START;
      add({
        range,
        code: 'unknown-component-type',
        message: `Unknown component type \`${comp.type}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        hint: `Known types: ${types.join(', ')}. For your own code use Command or Function.`,
        fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, range, replacement: suggestion }] : undefined,
      });
      continue;
    }
    const declared = Object.keys(comp.outputs);
    if (declared.length && !acceptsDeclaredOutputs(spec)) {
      add({
        range: comp.outputRanges?.[declared[0]] ?? comp.idRange ?? FILE_START,
        code: 'unexpected-outputs',
        message: `${spec.type} has fixed outputs (${Object.keys(spec.outputs).join(', ') || 'none'}); \`outputs:\` is only for Command, Function and Resolver`,
        hint: 'Remove `outputs:` from this component.',
      });
    }
    validateParams(comp, spec, p, opts, add);
    validateInputs(comp, spec, byId, catalog, add);
    if (spec.anyInputs) validatePlaceholders(comp, add);
  }
  if (p.components.length === 0 && p.nameRange) {
    diagnostics.push({
      file: p.file,
      severity: 'warning',
      code: 'empty-pipeline',
      range: p.nameRange,
      message: `Pipeline \`${p.name}\` has no components`,
      hint: 'Add components under `components:`, e.g. a CsvExampleGen.',
    });
  }
  const order = new Map(p.components.map((c, i) => [c.id, i]));
  for (const found of findCycles(p)) {
    // Start the loop at the component written first, so the message reads like the file.
    const at = found.reduce((best, id, i) => ((order.get(id) ?? 0) < (order.get(found[best]) ?? 0) ? i : best), 0);
    const cycle = [...found.slice(at), ...found.slice(0, at)];
    // Point at the reference that closes the loop: the first component's input from the last one.
    const first = byId.get(cycle[0]);
    const last = cycle[cycle.length - 1];
    const closing = first && Object.values(first.inputs).flat().find((r) => r.component === last);
    diagnostics.push({
      file: p.file,
      severity: 'error',
      code: 'cycle',
      range: closing?.range ?? first?.idRange ?? FILE_START,
      message: `Cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
      hint: 'A pipeline is a DAG: remove one of these inputs so that data flows one way.',
      component: cycle[0],
    });
  }
  return diagnostics;
}
