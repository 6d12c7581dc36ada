// What a check of an exported document reports, shared by the Argo and the Kubeflow Pipelines checks,
// the CLI (which prints it on stderr) and VS Code (which shows it beside the opened YAML).

/** One problem in an exported document: where (a JSON path such as `spec.templates[1].container.comand`) and what. */
export interface ExportProblem {
  path: string;
  message: string;
}

export interface ExportCheck {
  /** What the document claims to be, e.g. `PipelineSpec 2.1.0`, `Argo Workflow`, `Argo CronWorkflow`. */
  kind: string;
  problems: ExportProblem[];
  /** Which checks ran, for the summary (`structure and references`, `Argo's schema.json (strict)` …). */
  checks: string[];
}

/** `/spec/templates/1/container` (a JSON pointer, as ajv reports it) to `spec.templates[1].container`. */
export function pointerToPath(pointer: string): string {
  return pathOf(pointerSegments(pointer));
}

export function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Path segments to `a.b[2].c`, quoting keys that are not plain names (`components['comp-a']`). */
export function pathOf(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `['${s.replace(/'/g, "\\'")}']`;
  }
  return out === '' ? '$' : out;
}

/** One line for a notification or the CLI: `valid PipelineSpec 2.1.0` or `2 errors in the Argo Workflow: …`. */
export function summarizeCheck(check: ExportCheck): string {
  if (check.problems.length === 0) return `valid ${check.kind} (checked: ${check.checks.join('; ')})`;
  const n = check.problems.length;
  const first = check.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
  return `${n} error${n === 1 ? '' : 's'} in the ${check.kind}: ${first.join('; ')}${n > 3 ? `; and ${n - 3} more` : ''}`;
}

/** Every problem on its own line, for the CLI. */
export function formatProblems(check: ExportCheck): string[] {
  return check.problems.map((p) => `${p.path}: ${p.message}`);
}

/** Paths of `null` values: Kubernetes and KFP reject them (an exporter must omit a field, not write null). */
export function nullValues(doc: unknown, path: Array<string | number> = [], out: ExportProblem[] = []): ExportProblem[] {
  if (doc === null) out.push({ path: pathOf(path), message: 'null value (omit the field instead)' });
  else if (Array.isArray(doc)) doc.forEach((v, i) => nullValues(v, [...path, i], out));
  else if (typeof doc === 'object') for (const [k, v] of Object.entries(doc as Record<string, unknown>)) nullValues(v, [...path, k], out);
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A cycle among named nodes with named dependencies, as a list of names, or undefined. */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of deps.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
