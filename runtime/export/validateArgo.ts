// Checks an Argo Workflow or CronWorkflow document before anyone submits it.
//
// Two layers, because Argo's published JSON Schema (api/jsonschema/schema.json, 600 kB) is not ours to
// ship: (1) a structural check written here, always on, covering what the schema cannot express and the
// shape of what mlpipe writes (entrypoint and templates resolve, one body per template, DAG task
// references, dependency cycles, declared inputs, volumes, cron syntax, no nulls); (2) when the user
// gives Argo's schema.json (`mlpipe export --schema <file>`, the tests do with the shared fixture), a
// validation against a strict copy of it (ajv, draft 2020-12) that closes every object with
// `additionalProperties: false`, since the published schema lets a typo such as `comand` through.
import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { parseCron } from '../../common/cron';
import { findCycle, isRecord, nullValues, pathOf, pointerSegments, pointerToPath, type ExportCheck, type ExportProblem } from './exportCheck';

const API_VERSION = 'argoproj.io/v1alpha1';
const KINDS = ['Workflow', 'CronWorkflow', 'WorkflowTemplate'] as const;
/** The template bodies Argo knows; a template has exactly one. */
const TEMPLATE_BODIES = ['container', 'script', 'dag', 'steps', 'resource', 'suspend', 'http', 'plugin', 'containerSet', 'data'];
/** Kubernetes object names (RFC 1123 subdomain); generateName may end in '-'. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Task names inside a `depends` expression: `a && (b.Succeeded || c.Failed)`. */
const DEPENDS_NAME = /([A-Za-z0-9][-A-Za-z0-9_]*)(?:\.(?:Succeeded|Failed|Errored|Skipped|Omitted|Daemoned|AnySucceeded|AllFailed))?/g;

type Path = Array<string | number>;

/** The structural check (always available, no schema file needed). */
export function checkArgoStructure(doc: unknown): ExportProblem[] {
  const problems: ExportProblem[] = [];
  const add = (path: Path, message: string) => problems.push({ path: pathOf(path), message });
  if (!isRecord(doc)) {
    add([], 'not a YAML mapping');
    return problems;
  }
  if (doc['apiVersion'] !== API_VERSION) add(['apiVersion'], `must be ${API_VERSION}`);
  const kind = doc['kind'];
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) add(['kind'], `must be one of ${KINDS.join(', ')}`);
  const metadata = doc['metadata'];
  if (!isRecord(metadata)) add(['metadata'], 'missing');
  else {
    const name = metadata['name'];
    const generateName = metadata['generateName'];
    if (name === undefined && generateName === undefined) add(['metadata'], 'needs name or generateName');
    if (name !== undefined && (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253)) add(['metadata', 'name'], 'must be lower-case letters, digits, "-" and ".", starting and ending alphanumeric');
    if (generateName !== undefined && (typeof generateName !== 'string' || !DNS_SUBDOMAIN.test(generateName.replace(/-$/, '')))) add(['metadata', 'generateName'], 'must be lower-case letters, digits and "-" (a trailing "-" is fine)');
  }
  const spec = doc['spec'];
  if (!isRecord(spec)) {
    add(['spec'], 'missing');
  } else if (kind === 'CronWorkflow') {
    const schedules = spec['schedules'] ?? (spec['schedule'] === undefined ? undefined : [spec['schedule']]);
    const key = spec['schedules'] !== undefined ? 'schedules' : 'schedule';
    if (!Array.isArray(schedules) || schedules.length === 0) add(['spec'], 'a CronWorkflow needs schedules (a list of cron expressions)');
    else
      schedules.forEach((s, i) => {
        const at: Path = key === 'schedules' ? ['spec', 'schedules', i] : ['spec', 'schedule'];
        if (typeof s !== 'string') return add(at, 'must be a cron expression string');
        const parsed = parseCron(s);
        if (!parsed.ok) add(at, `${parsed.error.message} (at character ${parsed.error.offset + 1} of "${s}")`);
      });
    if (spec['timezone'] !== undefined && typeof spec['timezone'] !== 'string') add(['spec', 'timezone'], 'must be an IANA time zone name');
    if (!isRecord(spec['workflowSpec'])) add(['spec', 'workflowSpec'], 'missing');
    else checkWorkflowSpec(spec['workflowSpec'], ['spec', 'workflowSpec'], add);
  } else {
    checkWorkflowSpec(spec, ['spec'], add);
  }
  problems.push(...nullValues(doc));
  return problems;
}

function checkWorkflowSpec(spec: Record<string, unknown>, at: Path, add: (path: Path, message: string) => void): void {
  const templates = spec['templates'];
  if (!Array.isArray(templates) || templates.length === 0) {
    add([...at, 'templates'], 'needs at least one template');
    return;
  }
  const byName = new Map<string, Record<string, unknown>>();
  templates.forEach((t, i) => {
    if (!isRecord(t)) return add([...at, 'templates', i], 'must be a mapping');
    const name = t['name'];
    if (typeof name !== 'string' || name === '') return add([...at, 'templates', i, 'name'], 'missing');
    if (byName.has(name)) add([...at, 'templates', i, 'name'], `template ${name} is defined twice`);
    byName.set(name, t);
    const bodies = TEMPLATE_BODIES.filter((b) => t[b] !== undefined);
    if (bodies.length !== 1) add([...at, 'templates', i], bodies.length === 0 ? `has no body (one of ${TEMPLATE_BODIES.join(', ')})` : `has ${bodies.length} bodies (${bodies.join(', ')}); a template has exactly one`);
  });
  const entrypoint = spec['entrypoint'];
  if (typeof entrypoint !== 'string') add([...at, 'entrypoint'], 'missing');
  else if (!byName.has(entrypoint)) add([...at, 'entrypoint'], `no template is named ${entrypoint}`);
  const volumes = new Set(Array.isArray(spec['volumes']) ? spec['volumes'].filter(isRecord).map((v) => String(v['name'])) : []);
  const claims = Array.isArray(spec['volumeClaimTemplates']) ? spec['volumeClaimTemplates'].filter(isRecord) : [];
  for (const c of claims) if (isRecord(c['metadata'])) volumes.add(String(c['metadata']['name']));
  const globalParams = new Set(isRecord(spec['arguments']) && Array.isArray(spec['arguments']['parameters']) ? spec['arguments']['parameters'].filter(isRecord).map((p) => String(p['name'])) : []);

  templates.forEach((t, i) => {
    if (!isRecord(t)) return;
    const tAt: Path = [...at, 'templates', i];
    const declared = new Set(isRecord(t['inputs']) && Array.isArray(t['inputs']['parameters']) ? t['inputs']['parameters'].filter(isRecord).map((p) => String(p['name'])) : []);
    for (const body of ['container', 'script'] as const) {
      const c = t[body];
      if (!isRecord(c)) continue;
      if (typeof c['image'] !== 'string' || c['image'] === '') add([...tAt, body, 'image'], 'missing');
      const mounts = Array.isArray(c['volumeMounts']) ? c['volumeMounts'] : [];
      mounts.forEach((m, j) => {
        if (isRecord(m) && !volumes.has(String(m['name']))) add([...tAt, body, 'volumeMounts', j, 'name'], `no volume is named ${String(m['name'])}`);
      });
      for (const field of ['command', 'args'] as const) {
        const list = Array.isArray(c[field]) ? c[field] : [];
        list.forEach((arg, j) => {
          if (typeof arg !== 'string') return add([...tAt, body, field, j], 'must be a string');
          for (const m of arg.matchAll(/\{\{\s*inputs\.parameters\.([^}\s]+)\s*\}\}/g)) if (!declared.has(m[1]!)) add([...tAt, body, field, j], `uses input parameter ${m[1]}, which the template does not declare`);
          for (const m of arg.matchAll(/\{\{\s*workflow\.parameters\.([^}\s]+)\s*\}\}/g)) if (!globalParams.has(m[1]!)) add([...tAt, body, field, j], `uses workflow parameter ${m[1]}, which spec.arguments does not declare`);
        });
      }
    }
    const dag = t['dag'];
    if (isRecord(dag)) checkDag(dag, [...tAt, 'dag'], byName, add);
  });
}

function checkDag(dag: Record<string, unknown>, at: Path, templates: ReadonlyMap<string, Record<string, unknown>>, add: (path: Path, message: string) => void): void {
  const tasks = dag['tasks'];
  if (!Array.isArray(tasks) || tasks.length === 0) {
    add([...at, 'tasks'], 'a DAG needs at least one task');
    return;
  }
  const names = new Set<string>();
  tasks.forEach((task, i) => {
    if (!isRecord(task) || typeof task['name'] !== 'string') return add([...at, 'tasks', i, 'name'], 'missing');
    if (names.has(task['name'])) add([...at, 'tasks', i, 'name'], `task ${task['name']} is defined twice`);
    names.add(task['name']);
  });
  const deps = new Map<string, string[]>();
  tasks.forEach((task, i) => {
    if (!isRecord(task) || typeof task['name'] !== 'string') return;
    const tAt: Path = [...at, 'tasks', i];
    const template = task['template'];
    if (template !== undefined && (typeof template !== 'string' || !templates.has(template))) add([...tAt, 'template'], `no template is named ${String(template)}`);
    if (template === undefined && task['templateRef'] === undefined && task['inline'] === undefined) add(tAt, 'needs template, templateRef or inline');
    if (task['dependencies'] !== undefined && task['depends'] !== undefined) add(tAt, 'has both dependencies and depends; Argo accepts only one');
    const own: string[] = [];
    if (Array.isArray(task['dependencies'])) {
      task['dependencies'].forEach((d, j) => {
        if (typeof d !== 'string' || !names.has(d)) add([...tAt, 'dependencies', j], `no sibling task is named ${String(d)}`);
        else own.push(d);
      });
    }
    if (typeof task['depends'] === 'string') {
      for (const m of task['depends'].replace(/\|\||&&|!|\(|\)/g, ' ').matchAll(DEPENDS_NAME)) {
        if (!names.has(m[1]!)) add([...tAt, 'depends'], `no sibling task is named ${m[1]}`);
        else own.push(m[1]!);
      }
    }
    deps.set(task['name'], own);
    // Arguments must match what the template declares, both ways (Argo fails a task missing an input).
    const target = typeof template === 'string' ? templates.get(template) : undefined;
    if (!target) return;
    const inputs = isRecord(target['inputs']) && Array.isArray(target['inputs']['parameters']) ? target['inputs']['parameters'].filter(isRecord) : [];
    const given = isRecord(task['arguments']) && Array.isArray(task['arguments']['parameters']) ? task['arguments']['parameters'].filter(isRecord) : [];
    given.forEach((p, j) => {
      if (!inputs.some((d) => d['name'] === p['name'])) add([...tAt, 'arguments', 'parameters', j, 'name'], `template ${template as string} has no input parameter ${String(p['name'])}`);
    });
    for (const d of inputs) {
      if (d['value'] === undefined && d['default'] === undefined && !given.some((p) => p['name'] === d['name'])) add([...tAt, 'arguments'], `template ${template as string} needs input parameter ${String(d['name'])}`);
    }
  });
  const cycle = findCycle(deps);
  if (cycle) add([...at, 'tasks'], `dependency cycle: ${cycle.join(' -> ')}`);
}

/**
 * A strict copy of Argo's published schema: every object that lists its properties gets
 * `additionalProperties: false` (unless it says otherwise), so unknown fields are errors.
 */
export function strictArgoSchema(published: unknown): Record<string, unknown> {
  const copy = structuredClone(published) as Record<string, unknown>;
  const close = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(close);
    if (!isRecord(node)) return;
    if (isRecord(node['properties']) && node['additionalProperties'] === undefined) node['additionalProperties'] = false;
    for (const v of Object.values(node)) close(v);
  };
  close(copy);
  return copy;
}

const DEFINITION = (kind: string) => `#/definitions/io.argoproj.workflow.v1alpha1.${kind}`;

/** Validators compiled from one schema document (compiling Argo's takes seconds: done once per schema). */
const compiled = new WeakMap<object, Map<string, ValidateFunction>>();

/** Validation against a strict copy of Argo's schema.json, per `kind` (so errors name the real field, not a oneOf). */
export function checkAgainstArgoSchema(doc: unknown, published: Record<string, unknown>): ExportProblem[] {
  const kind = isRecord(doc) && typeof doc['kind'] === 'string' ? doc['kind'] : 'Workflow';
  const definitions = published['definitions'];
  if (!isRecord(definitions) || !isRecord(definitions[`io.argoproj.workflow.v1alpha1.${kind}`])) return [{ path: 'kind', message: `Argo's schema has no ${kind}` }];
  let byKind = compiled.get(published);
  if (!byKind) {
    byKind = new Map();
    compiled.set(published, byKind);
  }
  let validate = byKind.get(kind);
  if (!validate) {
    const strict = strictArgoSchema(published);
    delete strict['oneOf'];
    delete strict['$id'];
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
    ajv.addSchema(strict, 'argo');
    validate = ajv.compile({ $ref: `argo${DEFINITION(kind)}` });
    byKind.set(kind, validate);
  }
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(describeAjvError);
}

function describeAjvError(e: ErrorObject): ExportProblem {
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    return { path: pathOf([...pointerSegments(e.instancePath), extra]), message: `unknown field ${extra}` };
  }
  return { path: pointerToPath(e.instancePath), message: e.message ?? e.keyword };
}

/** Argo's schema.json read from a file the user names. A clear message, not a stack trace, when it is not one. */
export function loadArgoSchema(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read Argo's schema from ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(parsed) || !isRecord(parsed['definitions']) || !isRecord(parsed['definitions']['io.argoproj.workflow.v1alpha1.Workflow'])) {
    throw new Error(`${path} is not Argo's schema.json (it has no io.argoproj.workflow.v1alpha1.Workflow definition)`);
  }
  return parsed;
}

/** The whole check: structure always, Argo's strict schema when one is given. */
export function checkArgo(doc: unknown, schema?: Record<string, unknown>): ExportCheck {
  const kind = isRecord(doc) && typeof doc['kind'] === 'string' ? `Argo ${doc['kind']}` : 'Argo document';
  const problems = checkArgoStructure(doc);
  const checks = ['structure and references'];
  if (schema) {
    checks.push("Argo's schema.json, strict");
    const seen = new Set(problems.map((p) => `${p.path}\0${p.message}`));
    for (const p of checkAgainstArgoSchema(doc, schema)) if (!seen.has(`${p.path}\0${p.message}`)) problems.push(p);
  }
  return { kind, problems, checks };
}
