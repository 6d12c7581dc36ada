// Where a workspace keeps its state (DESIGN §4, contract): `<root>/.mlpipe/`.
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** Folders never searched for a workspace's state: dependencies, builds, VCS data. */
const NOT_WORKSPACES = new Set(['node_modules', 'dist', 'build', 'out', 'target', 'venv']);

/**
 * The databases below `dir` (at most `depth` folders down, hidden folders and dependencies skipped),
 * newest first: where `mlpipe run` put its state when the pipeline file lies in a sub-folder that has
 * `.mlpipe/` (VS Code, opened on that sub-folder, made one there).
 */
export function databasesBelow(dir: string, depth = 3): string[] {
  const found: Array<{ path: string; mtime: number }> = [];
  let budget = 2000;
  const walk = (d: string, level: number): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || budget-- <= 0) continue;
      if (e.name === STATE_DIR) {
        const db = join(d, STATE_DIR, 'metadata.sqlite');
        const mtime = newestMtime(db);
        if (mtime !== undefined) found.push({ path: db, mtime });
        continue;
      }
      if (level < depth && !e.name.startsWith('.') && !NOT_WORKSPACES.has(e.name)) walk(join(d, e.name), level + 1);
    }
  };
  walk(resolve(dir), 0);
  return found.sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path)).map((f) => f.path);
}

/** Last write to a database, its WAL included; undefined when there is no database file. */
function newestMtime(db: string): number | undefined {
  try {
    const main = statSync(db).mtimeMs;
    try {
      return Math.max(main, statSync(`${db}-wal`).mtimeMs);
    } catch {
      return main;
    }
  } catch {
    return undefined;
  }
}

/**
 * The database the reading commands (`mlpipe runs`, `show`, `lineage`, `approve`) use from `cwd`: the
 * workspace root's, found upwards as `run` finds it; when no folder above holds `.mlpipe/`, the newest one
 * below (`run` from here puts its state beside the pipeline file's `.mlpipe/`, e.g. samples/ after VS Code
 * was opened on samples/); else the one `run` would create here. `below` tells the caller to say which.
 */
export function databaseFor(cwd: string): { path: string; found: 'root' | 'below' | 'none'; others: string[] } {
  const root = findRoot(cwd);
  const atRoot = defaultDbPath(root);
  if (existsSync(join(root, STATE_DIR))) return { path: atRoot, found: existsSync(atRoot) ? 'root' : 'none', others: [] };
  const below = databasesBelow(cwd);
  if (below.length) return { path: below[0]!, found: 'below', others: below.slice(1) };
  return { path: atRoot, found: 'none', others: [] };
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
