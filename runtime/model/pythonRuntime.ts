// Running the user's Python: which interpreter (MLPIPE_PYTHON, set from the VS Code setting
// `mlpipe.python.path`, the Python extension's interpreter or the CLI's --python; else `python3`), its
// version for the cache key, and the bridge script (python/mlpipe_fn.py) run in its own process group
// so cancel ends the module and its children. Output streams live to the step log; the bridge's last
// `@@mlpipe {json}` line becomes one clear error naming the module and what to do.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { underDebugpy } from '../../common/debugStep';
import { PYTHON_ENV } from '../../common/pythonInterpreter';
import { ComponentError } from '../components/spec';

export { PYTHON_ENV };
const MARK = '@@mlpipe ';
const SETTING_HINT = 'set mlpipe.python.path in VS Code settings (CLI: --python /usr/bin/python3)';

export function pythonInterpreter(): string {
  const chosen = process.env[PYTHON_ENV];
  return chosen && chosen.trim() ? chosen.trim() : 'python3';
}

/** The bridge script: beside the bundle (dist/runtime/) or beside this file (tests run the sources). */
export function bridgeScript(): string {
  for (const candidate of [path.join(__dirname, 'mlpipe_fn.py'), path.join(__dirname, 'python', 'mlpipe_fn.py')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`mlpipe_fn.py not found beside ${__dirname}: the runtime is incompletely installed`);
}

const versions = new Map<string, Promise<string>>();

/** `sys.version` of the interpreter (cached per process), or a ComponentError saying how to get one. */
export function pythonVersion(python = pythonInterpreter()): Promise<string> {
  let known = versions.get(python);
  if (!known) {
    known = new Promise<string>((resolve, reject) => {
      execFile(python, ['-c', 'import sys; print(sys.version.split()[0], sys.executable)'], { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(
            code === 'ENOENT'
              ? new ComponentError(`Python interpreter "${python}" not found`, `Install Python 3 (Debian: apt-get install python3), or ${SETTING_HINT}.`)
              : new ComponentError(`Python interpreter "${python}" does not run: ${(stderr || err.message).trim().split('\n').pop()}`, `Point mlpipe at a working interpreter: ${SETTING_HINT}.`),
          );
        } else resolve(stdout.trim());
      });
    });
    versions.set(python, known);
    known.catch(() => versions.delete(python));
  }
  return known;
}

export interface PythonRunContext {
  python: string;
  /** The user's module, for messages. */
  module: string;
  tmpDir: string;
  signal?: AbortSignal;
  log(line: string, stream?: 'stdout' | 'stderr'): void;
}

type BridgeReport =
  | { kind: 'missing_package'; module: string; package: string; python: string }
  | { kind: 'data'; message: string; hint: string }
  | { kind: 'module_error' | 'run_fn_raised' | 'predict_fn_raised'; message: string; line: number | null; function: string | null }
  | { kind: 'no_run_fn'; functions: string[] }
  | { kind: 'no_predict_fn' };
/** Progress markers the bridge prints before any failure, for the timings. */
type BridgeMark = { kind: 'started' } | { kind: 'imported' };

export interface BridgeTimings {
  /** Spawn to the bridge's first line: the interpreter starting. */
  startSeconds: number;
  /** Importing the user's module (torch, sklearn …), train mode only. */
  importSeconds: number;
  totalSeconds: number;
}

function errorFrom(report: BridgeReport, ctx: PythonRunContext): ComponentError {
  const where = (line: number | null) => `${ctx.module}${line ? `:${line}` : ''}`;
  switch (report.kind) {
    case 'missing_package':
      return new ComponentError(
        `${ctx.module} needs the Python package "${report.package}" (import ${report.module}), which ${report.python} does not have`,
        `${report.python} -m pip install ${report.package}${report.package === 'torch' || report.package === 'scikit-learn' || report.package === 'pandas' || report.package === 'onnx' ? ` (Debian: apt-get install python3-${report.package === 'scikit-learn' ? 'sklearn' : report.package})` : ''}, or ${SETTING_HINT} to an interpreter that has it.`,
      );
    case 'data':
      return new ComponentError(`${ctx.module}: ${report.message}`, `${report.hint}.`);
    case 'module_error':
      return new ComponentError(`${where(report.line)}: the module fails on import: ${report.message}`, 'Fix the module; the step log has the traceback.');
    case 'run_fn_raised':
      return new ComponentError(`${where(report.line)}: run_fn raised ${report.message}`, 'The step log has the traceback’s last frames.');
    case 'predict_fn_raised':
      return new ComponentError(`${where(report.line)}: predict_fn raised ${report.message}`, 'The step log has the traceback’s last frames.');
    case 'no_run_fn':
      return new ComponentError(
        `${ctx.module} has no run_fn${report.functions.length ? ` (its functions: ${report.functions.join(', ')})` : ''}`,
        'Define def run_fn(fn_args): … that trains and writes the model into fn_args.serving_model_dir (TFX’s Trainer contract).',
      );
    case 'no_predict_fn':
      return new ComponentError(`${ctx.module} has no predict_fn, so its python-format model cannot predict`, 'Define def predict_fn(model, features: pandas.DataFrame) returning class probabilities [rows, classes] or values [rows].');
  }
}

/** Run `mlpipe_fn.py <mode> <request>`: resolves when the module succeeded, else a ComponentError. */
export async function runBridge(mode: 'train' | 'predict', request: Record<string, unknown>, ctx: PythonRunContext): Promise<BridgeTimings> {
  fs.mkdirSync(ctx.tmpDir, { recursive: true });
  const requestFile = path.join(ctx.tmpDir, `mlpipe-${mode}-request.json`);
  fs.writeFileSync(requestFile, JSON.stringify(request));
  const started = Date.now();
  let report: BridgeReport | undefined;
  let startedAt: number | undefined;
  let importedAt: number | undefined;
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    if (ctx.signal?.aborted) return reject(new ComponentError('canceled'));
    // detached: the interpreter leads its own process group, so cancel reaches DataLoader workers too.
    // Debug Step on a Python module: the interpreter starts under debugpy (common/debugStep.ts); only training.
    const args = ['-u', bridgeScript(), mode, requestFile];
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
    const debug = mode === 'train' ? underDebugpy(args, env, path.delimiter) : { args, env };
    const child = spawn(ctx.python, debug.args, {
      cwd: path.dirname(ctx.module),
      env: debug.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = () => {
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
    ctx.signal?.addEventListener('abort', killGroup, { once: true });
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        if (name === 'stderr' && line.startsWith(MARK)) {
          try {
            const parsed = JSON.parse(line.slice(MARK.length)) as BridgeReport | BridgeMark;
            if (parsed.kind === 'started') startedAt = Date.now();
            else if (parsed.kind === 'imported') importedAt = Date.now();
            else report = parsed;
            return;
          } catch {
            /* not ours after all: log it */
          }
        }
        tail.push(line);
        if (tail.length > 20) tail.shift();
        ctx.log(line, name);
      });
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.signal?.removeEventListener('abort', killGroup);
      reject(err.code === 'ENOENT' ? new ComponentError(`Python interpreter "${ctx.python}" not found`, `Install Python 3, or ${SETTING_HINT}.`) : new ComponentError(`could not start ${ctx.python}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      ctx.signal?.removeEventListener('abort', killGroup);
      if (ctx.signal?.aborted) return reject(new ComponentError('canceled'));
      if (code === 0) return resolve();
      if (report) return reject(errorFrom(report, ctx));
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new ComponentError(`${ctx.python} running ${ctx.module} ${why}${tail.length ? `; last output: ${tail.slice(-3).join(' | ')}` : ''}`, 'The step log has the whole output.'));
    });
  });
  const end = Date.now();
  const start = startedAt ?? end;
  return { startSeconds: (start - started) / 1000, importSeconds: ((importedAt ?? start) - start) / 1000, totalSeconds: (end - started) / 1000 };
}
