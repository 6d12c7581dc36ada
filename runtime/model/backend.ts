// Chooses the TensorFlow.js backend: tfjs-node when it is installed (native libtensorflow), else the
// wasm backend, else plain JS cpu. tfjs-node is optional because its install downloads libtensorflow,
// which fails offline; the wasm backend is ~2.5x faster than cpu here (DESIGN §10).
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
  backend: BackendName;
  /** Why better backends were skipped, for the log. */
  notes: string[];
}

let wasmPathsSet = false;
/** The backend this module last activated, so readers (Evaluator, predict) do not switch it under a running Trainer. */
let active: BackendName | undefined;

/** Folder holding the tfjs-backend-wasm `.wasm` binaries (Node reads them from disk). */
function wasmDir(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(main) + path.sep;
}

async function tryTensorflow(): Promise<string | undefined> {
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    return '@tensorflow/tfjs-node is not installed';
  }
  try {
    // Loading it registers the 'tensorflow' backend with the shared tfjs-core engine.
    require('@tensorflow/tfjs-node');
    if (!(await tf.setBackend('tensorflow'))) return 'tfjs-node is installed but its backend did not initialise';
    return undefined;
  } catch (err) {
    return `tfjs-node failed to load: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    // Importing the package registers the 'wasm' backend; the binaries are located by file path.
    const wasm: typeof import('@tensorflow/tfjs-backend-wasm') = require('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      const dir = wasmDir();
      if (!fs.existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) return `tfjs-backend-wasm.wasm not found in ${dir}`;
      wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
    return undefined;
  } catch (err) {
    return `the wasm backend failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Activates a backend and returns which one. 'auto' walks tensorflow -> wasm -> cpu; a named
 * preference is tried first and falls back the same way when unavailable.
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  const order: BackendName[] =
    preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference, ...(['tensorflow', 'wasm', 'cpu'] as const).filter((b) => b !== preference)];
  const notes: string[] = [];
  for (const name of order) {
    if (name === 'cpu') {
      await tf.setBackend('cpu');
      await tf.ready();
      active = 'cpu';
      return { backend: 'cpu', notes };
    }
    const failure = name === 'tensorflow' ? await tryTensorflow() : await tryWasm();
    if (failure === undefined) {
      await tf.ready();
      active = name;
      return { backend: name, notes };
    }
    notes.push(failure);
  }
  await tf.setBackend('cpu');
  active = 'cpu';
  return { backend: 'cpu', notes };
}

/**
 * The backend already in use, or the best available one. Inference (Evaluator, predict) calls this so
 * that it never switches the process-wide backend while a Trainer with an explicit backend is running.
 */
export async function ensureBackend(): Promise<BackendChoice> {
  if (active && tf.getBackend() === active) return { backend: active, notes: [] };
  return selectBackend('auto');
}

let turn: Promise<void> = Promise.resolve();

/**
 * Runs `fn` when no other Trainer or Evaluator of this process is running. TF.js has one backend per
 * process: a Trainer that selects `cpu` while another trains on `wasm` switches the backend under it,
 * and the other's result changes (measured: a seeded model no longer reproduces). They take turns
 * instead; a step canceled while it waits gives up its turn.
 */
export async function withModelTurn<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  const previous = turn;
  let release!: () => void;
  turn = previous.then(() => new Promise<void>((r) => (release = r)));
  // `release` is assigned once `previous` settles; a waiter canceled before that must still let the queue move.
  let canceled = false;
  try {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        canceled = true;
        reject(new Error('canceled'));
        return;
      }
      const onAbort = (): void => {
        canceled = true;
        reject(new Error('canceled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void previous.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    return await fn();
  } finally {
    if (canceled) void previous.then(() => release());
    else release();
  }
}
