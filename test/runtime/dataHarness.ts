// A hand-built ExecutorContext in a temp folder, so data component tests drive executors directly.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentError, type ComponentEvent, type ComponentSpec, type ExecutorContext, type InputArtifact, type OutputArtifact } from '../../runtime/components/spec';

export interface Workspace {
  dir: string;
  cleanup(): void;
}

export function tempWorkspace(prefix = 'mlpipe-data-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let nextId = 1;

export interface RunOutcome {
  outputs: Record<string, InputArtifact>;
  logs: string[];
}

/** Run a component's executor with the given params/inputs; its outputs come back as inputs for the next step. */
export async function runComponent(
  ws: Workspace,
  spec: ComponentSpec,
  params: Record<string, unknown>,
  inputs: Record<string, InputArtifact[]> = {},
  extra: { trusted?: boolean; signal?: AbortSignal; events?: ComponentEvent[] } = {},
): Promise<RunOutcome> {
  const executionId = nextId++;
  const outputs: Record<string, OutputArtifact> = {};
  for (const [key, out] of Object.entries(spec.outputs)) {
    const uri = join(ws.dir, 'artifacts', spec.type, key, String(executionId));
    mkdirSync(uri, { recursive: true });
    outputs[key] = { type: out.type, uri, properties: {}, customProperties: {} };
  }
  const tmpDir = join(ws.dir, 'tmp', String(executionId));
  mkdirSync(tmpDir, { recursive: true });
  const logs: string[] = [];
  const ctx: ExecutorContext & { trusted?: boolean } = {
    pipelineName: 'test',
    componentId: spec.type.toLowerCase(),
    executionId,
    params: withDefaults(spec, params),
    inputs,
    outputs,
    pipelineDir: ws.dir,
    root: ws.dir,
    tmpDir,
    signal: extra.signal ?? new AbortController().signal,
    log: (line) => logs.push(line),
    emit: (e) => extra.events?.push(e),
    trusted: extra.trusted ?? false,
  };
  if (spec.kind !== 'executor') throw new Error(`${spec.type} has no executor`);
  // As the launcher does: a step that fails with its outputs (a validator under fail_on) still fails.
  const ran = await spec.executor(ctx);
  if (ran?.failedWithOutputs) throw new ComponentError(ran.failedWithOutputs.message, ran.failedWithOutputs.hint);
  const result: Record<string, InputArtifact> = {};
  for (const [key, out] of Object.entries(outputs)) {
    result[key] = { id: executionId * 100 + Object.keys(result).length, type: out.type, uri: out.uri, properties: out.properties, customProperties: out.customProperties };
  }
  return { outputs: result, logs };
}

/** The orchestrator fills param defaults; do the same here. */
function withDefaults(spec: ComponentSpec, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(spec.params)) if (p.default !== undefined) out[k] = p.default;
  return { ...out, ...params };
}
