// `type: Command`: any program in any language, spawned without a shell, with artifact paths filled in.
// This is how PyTorch or scikit-learn steps join a pipeline (DESIGN §5).
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import { underDebugpy } from '../../common/debugStep';
import { ComponentError, type ExecutorComponentSpec, type ExecutorContext } from './spec';

const PLACEHOLDER = /\{\{\s*(inputs|outputs|params)\.([A-Za-z0-9_]+)\s*\}\}/g;

/** Fill `{{inputs.x}}`, `{{outputs.y}}` and `{{params.z}}` in one argument. Unknown names are errors. */
export function fillPlaceholders(arg: string, ctx: Pick<ExecutorContext, 'inputs' | 'outputs' | 'params'>): string {
  return arg.replace(PLACEHOLDER, (_match, kind: string, name: string) => {
    if (kind === 'inputs') {
      const artifacts = ctx.inputs[name];
      if (!artifacts) throw new ComponentError(`{{inputs.${name}}} names no input of this step`, 'add it under inputs: or fix the name');
      return artifacts.map((a) => a.uri).join(',');
    }
    if (kind === 'outputs') {
      const out = ctx.outputs[name];
      if (!out) throw new ComponentError(`{{outputs.${name}}} names no declared output`, `declare it under outputs: {${name}: <ArtifactType>}`);
      return out.uri;
    }
    const value = ctx.params[name];
    if (value === undefined) throw new ComponentError(`{{params.${name}}} names no param of this step`, 'add it under params:');
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Placeholders used in a command, for validation before anything runs. */
export function placeholdersIn(command: unknown): Array<{ kind: string; name: string }> {
  if (!Array.isArray(command)) return [];
  const found: Array<{ kind: string; name: string }> = [];
  for (const arg of command) {
    if (typeof arg !== 'string') continue;
    for (const m of arg.matchAll(PLACEHOLDER)) found.push({ kind: m[1]!, name: m[2]! });
  }
  return found;
}

const TAIL_LINES = 20;

/** `python`, `python3`, `/usr/bin/python3.11` …: a program debugpy can start. */
const PYTHON_PROGRAM = /(^|[\\/])python(\d+(\.\d+)*)?(\.exe)?$/i;

async function runCommand(ctx: ExecutorContext): Promise<void> {
  const command = ctx.params['command'];
  if (!Array.isArray(command) || command.length === 0 || !command.every((a) => typeof a === 'string' || typeof a === 'number')) {
    throw new ComponentError('params.command must be a non-empty list of strings', 'e.g. command: [python3, train.py, --out, "{{outputs.model}}"]');
  }
  const argv = command.map((a) => fillPlaceholders(String(a), ctx));
  const env: NodeJS.ProcessEnv = { ...process.env, MLPIPE_PIPELINE: ctx.pipelineName, MLPIPE_COMPONENT: ctx.componentId, MLPIPE_EXECUTION_ID: String(ctx.executionId) };
  const extraEnv = ctx.params['env'];
  if (extraEnv && typeof extraEnv === 'object' && !Array.isArray(extraEnv)) {
    for (const [k, v] of Object.entries(extraEnv)) env[k] = String(v);
  }
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  ctx.log(`$ ${argv.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`);
  await new Promise<void>((resolvePromise, reject) => {
    // detached: the child leads its own process group, so cancel can kill the whole tree.
    // Debug Step on a Python command: the interpreter starts under debugpy (common/debugStep.ts).
    const debug = PYTHON_PROGRAM.test(argv[0]!) ? underDebugpy(argv.slice(1), env, delimiter) : { args: argv.slice(1), env };
    const child = spawn(argv[0]!, debug.args, { cwd: ctx.pipelineDir, env: debug.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killTree = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      setTimeout(() => {
        try {
          if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 2000).unref();
    };
    ctx.signal.addEventListener('abort', killTree, { once: true });
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        remember(line);
        ctx.log(line, name);
      });
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', killTree);
      if (err.code === 'ENOENT') reject(new ComponentError(`command not found: ${argv[0]}`, 'install it or give its full path in params.command'));
      else reject(new ComponentError(`could not start ${argv[0]}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', killTree);
      if (ctx.signal.aborted) return reject(new ComponentError('canceled'));
      if (code === 0) return resolvePromise();
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new ComponentError(`${argv[0]} ${why}${tail.length ? `; last output:\n${tail.join('\n')}` : ''}`, 'open the step log for the whole output'));
    });
  });
}

export const commandComponent: ExecutorComponentSpec = {
  type: 'Command',
  doc: 'Runs a program without a shell. `{{inputs.x}}`, `{{outputs.y}}` and `{{params.z}}` in `command` are replaced by artifact folders and param values. Declare outputs with `outputs: {model: Model}`.',
  executionType: 'mlpipe.components.Command',
  baseType: 'mlmd.Process',
  kind: 'executor',
  declaredOutputs: true,
  anyInputs: true,
  anyParams: true,
  inputs: {},
  outputs: {},
  params: {
    command: {
      type: 'array',
      required: true,
      doc: 'The program and its arguments, e.g. `[python3, train.py, --data, "{{inputs.examples}}", --out, "{{outputs.model}}"]`. Run from the pipeline file\'s folder, without a shell.',
      schema: { items: { type: ['string', 'number'] }, minItems: 1 },
    },
    env: { type: 'object', doc: 'Extra environment variables for the program.', schema: { additionalProperties: { type: ['string', 'number', 'boolean'] } } },
  },
  executor: async (ctx) => {
    await runCommand(ctx);
  },
  validate: (params, declaredOutputs) => {
    const problems: Array<{ param: string; message: string; hint?: string }> = [];
    for (const p of placeholdersIn(params['command'])) {
      if (p.kind === 'outputs' && !(p.name in declaredOutputs)) {
        problems.push({ param: 'command', message: `{{outputs.${p.name}}} is not a declared output`, hint: `declare it: outputs: {${p.name}: <ArtifactType>}` });
      }
      if (p.kind === 'params' && !(p.name in params)) {
        problems.push({ param: 'command', message: `{{params.${p.name}}} names no param`, hint: `add ${p.name} under params:` });
      }
    }
    return problems;
  },
};
