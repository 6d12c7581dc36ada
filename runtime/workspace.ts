// Where a workspace keeps its state (DESIGN §4, contract): `<root>/.mlpipe/`.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const STATE_DIR = '.mlpipe';

/** The nearest ancestor of `start` that holds `.mlpipe/`, else `start` itself. */
export function findRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, STATE_DIR))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/**
 * The workspace root of `mlpipe run <file>` started in `cwd`: the nearest ancestor of the file's folder
 * that holds `.mlpipe/`; when there is none yet, `cwd` if the file is inside it (so `mlpipe runs` from
 * the same folder, and VS Code opened on it, find the database), else the file's own folder.
 */
export function rootForPipelineFile(file: string, cwd: string): string {
  const dir = dirname(resolve(file));
  const found = findRoot(dir);
  if (existsSync(join(found, STATE_DIR))) return found;
  return isInside(cwd, dir) ? resolve(cwd) : dir;
}

/** `path` is `dir` itself or somewhere below it (by path, not following links). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export function stateDir(root: string): string {
  return join(root, STATE_DIR);
}

export function defaultDbPath(root: string): string {
  return join(root, STATE_DIR, 'metadata.sqlite');
}

/** `artifacts/<pipeline>/<node_id>/<output_key>/<execution_id>/` (the TFX layout). */
export function artifactDir(root: string, pipeline: string, nodeId: string, outputKey: string, executionId: number): string {
  return join(root, STATE_DIR, 'artifacts', pipeline, nodeId, outputKey, String(executionId));
}

/** Where an execution's outputs are written before publish moves them into place. */
export function stagingDir(root: string, executionId: number): string {
  return join(root, STATE_DIR, 'tmp', `execution-${executionId}`);
}

export function logPath(root: string, executionId: number): string {
  return join(root, STATE_DIR, 'logs', `${executionId}.log`);
}
