// Checks a Kubeflow Pipelines PipelineSpec the way KFP's API server and its Argo compiler would reject
// it: schemaVersion 2.1.0, a DNS-like pipeline name (anchored, as the server's message promises), at least
// one task, and the references a proto cannot express: every componentRef and executorLabel resolves,
// dependentTasks and producerTasks are sibling tasks without a cycle, inputs name declared inputs,
// producers declare the outputs taken from them, and only container and importer executors are used
// (open-source KFP runs nothing else). The strict proto parse of pipeline_spec.proto is the tests' job:
// the proto is KFP's, not ours to ship (test/runtime/kfpExport.test.ts reads it from the shared fixtures).
import { findCycle, isRecord, nullValues, pathOf, type ExportCheck, type ExportProblem } from './exportCheck';
import { KFP_SCHEMA_VERSION } from './kfpPipeline';

export const KFP_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EXECUTOR_KINDS = ['container', 'importer', 'resolver', 'customJob'];
const RUNNABLE = ['container', 'importer'];

type Path = Array<string | number>;

export function checkKfpPipelineSpec(doc: unknown): ExportCheck {
  const problems: ExportProblem[] = [];
  const add = (path: Path, message: string) => problems.push({ path: pathOf(path), message });
  const check: ExportCheck = { kind: `PipelineSpec ${KFP_SCHEMA_VERSION}`, problems, checks: ["KFP API server's rules", 'references'] };
  if (!isRecord(doc)) {
    add([], 'not a YAML mapping');
    return check;
  }
  if (doc['schemaVersion'] !== KFP_SCHEMA_VERSION) add(['schemaVersion'], `KFP only supports schema version ${KFP_SCHEMA_VERSION}`);
  const info = doc['pipelineInfo'];
  const name = isRecord(info) ? info['name'] : undefined;
  if (typeof name !== 'string' || name === '') add(['pipelineInfo', 'name'], 'missing');
  else if (!KFP_NAME_PATTERN.test(name) || name.length > 128) add(['pipelineInfo', 'name'], 'must consist of lower case alphanumeric characters, "-" or ".", and start and end with an alphanumeric character');
  const components = isRecord(doc['components']) ? doc['components'] : {};
  const deployment = doc['deploymentSpec'];
  const executors = isRecord(deployment) && isRecord(deployment['executors']) ? deployment['executors'] : {};
  for (const [label, e] of Object.entries(executors)) {
    if (!isRecord(e)) {
      add(['deploymentSpec', 'executors', label], 'must be a mapping');
      continue;
    }
    const kinds = EXECUTOR_KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) add(['deploymentSpec', 'executors', label], `needs exactly one of ${EXECUTOR_KINDS.join(', ')}`);
    else if (!RUNNABLE.includes(kinds[0]!)) add(['deploymentSpec', 'executors', label, kinds[0]!], 'non-container and non-importer executors are not implemented in open-source KFP');
    const c = e['container'];
    if (isRecord(c) && (typeof c['image'] !== 'string' || c['image'] === '')) add(['deploymentSpec', 'executors', label, 'container', 'image'], 'missing');
  }
  for (const [cname, comp] of Object.entries(components)) {
    if (!isRecord(comp)) continue;
    const hasExecutor = comp['executorLabel'] !== undefined;
    const hasDag = comp['dag'] !== undefined;
    if (hasExecutor === hasDag) add(['components', cname], 'needs exactly one of executorLabel and dag');
    if (typeof comp['executorLabel'] === 'string' && !(comp['executorLabel'] in executors)) add(['components', cname, 'executorLabel'], `no executor ${comp['executorLabel']} in deploymentSpec.executors`);
    checkArtifactTypes(comp, ['components', cname], add);
    if (isRecord(comp['dag'])) checkDag(comp['dag'], comp, ['components', cname, 'dag'], components, add);
  }
  const root = doc['root'];
  if (!isRecord(root)) add(['root'], 'missing');
  else if (!isRecord(root['dag'])) add(['root', 'dag'], 'missing');
  else checkDag(root['dag'], root, ['root', 'dag'], components, add);
  problems.push(...nullValues(doc));
  return check;
}

function checkArtifactTypes(comp: Record<string, unknown>, at: Path, add: (path: Path, message: string) => void): void {
  for (const side of ['inputDefinitions', 'outputDefinitions'] as const) {
    const defs = isRecord(comp[side]) && isRecord(comp[side]['artifacts']) ? comp[side]['artifacts'] : {};
    for (const [key, d] of Object.entries(defs)) {
      const t = isRecord(d) ? d['artifactType'] : undefined;
      if (!isRecord(t)) continue;
      const title = typeof t['schemaTitle'] === 'string' ? t['schemaTitle'] : /^title:\s*(\S+)/m.exec(typeof t['instanceSchema'] === 'string' ? t['instanceSchema'] : '')?.[1];
      if (t['schemaTitle'] === undefined && t['instanceSchema'] === undefined && t['schemaUri'] === undefined) add([...at, side, 'artifacts', key, 'artifactType'], 'needs schemaTitle or instanceSchema');
      else if (title !== undefined && !/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(title)) add([...at, side, 'artifacts', key, 'artifactType'], `type title ${title} is not of the form <namespace>.<Name>`);
    }
  }
}

function declared(comp: Record<string, unknown> | undefined, side: 'inputDefinitions' | 'outputDefinitions', kind: 'artifacts' | 'parameters'): Record<string, unknown> | undefined {
  if (!comp) return undefined;
  const defs = comp[side];
  if (!isRecord(defs)) return {};
  const group = defs[kind];
  return isRecord(group) ? group : {};
}

function checkDag(dag: Record<string, unknown>, owner: Record<string, unknown>, at: Path, components: Record<string, unknown>, add: (path: Path, message: string) => void): void {
  const tasks = isRecord(dag['tasks']) ? dag['tasks'] : {};
  const names = Object.keys(tasks);
  if (names.length === 0) add([...at, 'tasks'], 'a DAG needs at least one task');
  const deps = new Map<string, string[]>();
  const ownerParams = declared(owner, 'inputDefinitions', 'parameters') ?? {};
  const ownerArtifacts = declared(owner, 'inputDefinitions', 'artifacts') ?? {};
  for (const [tname, task] of Object.entries(tasks)) {
    const tAt: Path = [...at, 'tasks', tname];
    if (!isRecord(task)) {
      add(tAt, 'must be a mapping');
      continue;
    }
    const ref = isRecord(task['componentRef']) ? task['componentRef']['name'] : undefined;
    const comp = typeof ref === 'string' && isRecord(components[ref]) ? (components[ref] as Record<string, unknown>) : undefined;
    if (typeof ref !== 'string') add([...tAt, 'componentRef', 'name'], 'missing');
    else if (!comp) add([...tAt, 'componentRef', 'name'], `no component ${ref} in components`);
    const own: string[] = [];
    const list = Array.isArray(task['dependentTasks']) ? task['dependentTasks'] : [];
    list.forEach((d, i) => {
      if (typeof d !== 'string' || !(d in tasks)) add([...tAt, 'dependentTasks', i], `no sibling task ${String(d)}`);
      else own.push(d);
    });
    const inputs = isRecord(task['inputs']) ? task['inputs'] : {};
    for (const kind of ['artifacts', 'parameters'] as const) {
      const given = isRecord(inputs[kind]) ? inputs[kind] : {};
      const accepted = declared(comp, 'inputDefinitions', kind);
      for (const [key, spec] of Object.entries(given)) {
        const iAt: Path = [...tAt, 'inputs', kind, key];
        if (accepted && !(key in accepted)) add(iAt, `component ${String(ref)} has no input ${kind === 'artifacts' ? 'artifact' : 'parameter'} ${key}`);
        if (!isRecord(spec)) continue;
        const producerRef = spec['taskOutputArtifact'] ?? spec['taskOutputParameter'];
        if (isRecord(producerRef)) {
          const producer = producerRef['producerTask'];
          const outKey = kind === 'artifacts' ? producerRef['outputArtifactKey'] : producerRef['outputParameterKey'];
          const producerTask = typeof producer === 'string' ? tasks[producer] : undefined;
          if (!isRecord(producerTask)) {
            add([...iAt, kind === 'artifacts' ? 'taskOutputArtifact' : 'taskOutputParameter', 'producerTask'], `no sibling task ${String(producer)}`);
            continue;
          }
          own.push(producer as string);
          const pref = isRecord(producerTask['componentRef']) ? producerTask['componentRef']['name'] : undefined;
          const pcomp = typeof pref === 'string' && isRecord(components[pref]) ? (components[pref] as Record<string, unknown>) : undefined;
          const outs = declared(pcomp, 'outputDefinitions', kind);
          if (outs && !(String(outKey) in outs)) add([...iAt, kind === 'artifacts' ? 'taskOutputArtifact' : 'taskOutputParameter', kind === 'artifacts' ? 'outputArtifactKey' : 'outputParameterKey'], `task ${String(producer)} has no output ${String(outKey)}`);
        }
        if (typeof spec['componentInputParameter'] === 'string' && !(spec['componentInputParameter'] in ownerParams)) add([...iAt, 'componentInputParameter'], `the enclosing DAG has no input parameter ${spec['componentInputParameter']}`);
        if (typeof spec['componentInputArtifact'] === 'string' && !(spec['componentInputArtifact'] in ownerArtifacts)) add([...iAt, 'componentInputArtifact'], `the enclosing DAG has no input artifact ${spec['componentInputArtifact']}`);
      }
    }
    deps.set(tname, own);
  }
  const cycle = findCycle(deps);
  if (cycle) add([...at, 'tasks'], `dependency cycle: ${cycle.join(' -> ')}`);
}
