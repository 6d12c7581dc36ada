// Which Node runs the runtime (DESIGN §2): the setting `mlpipe.runtime.nodePath` when set, else `node`
// on PATH, else the extension host's own executable. No `vscode` import, so it is tested with plain Node.
import { execFile } from 'node:child_process';
import { UserError } from '../runtime/errors';

export const MIN_NODE_MAJOR = 20;

/** A problem starting the runtime that the user fixes in settings. */
export class RuntimeStartError extends UserError {
  constructor(message: string, readonly settingsFix: boolean) {
    super(message);
  }
}

export interface NodeChoice {
  /** Executable to spawn. */
  command: string;
  /** Extra environment (ELECTRON_RUN_AS_NODE for the extension host's own Electron binary). */
  env: Record<string, string>;
  version: string;
}

function nodeVersionOf(command: string, env: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve) => {
    // No shell: the setting's value is a path, never a command line.
    execFile(command, ['-p', 'process.versions.node'], { env: { ...process.env, ...env }, timeout: 10_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim());
    });
  });
}

function majorOf(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

/**
 * The runtime's Node: the setting `mlpipe.runtime.nodePath` when set (it must work), else `node` on
 * PATH, else the extension host's own executable (plain Node in code-server/remote, Electron run as
 * Node on the desktop).
 */
export async function chooseNode(configured: string | undefined): Promise<NodeChoice> {
  if (configured) {
    const version = await nodeVersionOf(configured, {});
    if (!version) {
      throw new RuntimeStartError(`The Node executable in the setting mlpipe.runtime.nodePath (${configured}) could not be started.`, true);
    }
    if (majorOf(version) < MIN_NODE_MAJOR) {
      throw new RuntimeStartError(
        `The Node in mlpipe.runtime.nodePath (${configured}) is version ${version}; ML Pipelines needs Node ${MIN_NODE_MAJOR} or newer.`,
        true,
      );
    }
    return { command: configured, env: {}, version };
  }
  const onPath = await nodeVersionOf('node', {});
  if (onPath && majorOf(onPath) >= MIN_NODE_MAJOR) return { command: 'node', env: {}, version: onPath };
  const ownEnv: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  const own = await nodeVersionOf(process.execPath, ownEnv);
  if (own && majorOf(own) >= MIN_NODE_MAJOR) return { command: process.execPath, env: ownEnv, version: own };
  throw new RuntimeStartError(
    onPath
      ? `Node ${onPath} on PATH is too old; ML Pipelines needs Node ${MIN_NODE_MAJOR} or newer. Set mlpipe.runtime.nodePath to a newer Node.`
      : `No Node ${MIN_NODE_MAJOR}+ was found on PATH. Install Node ${MIN_NODE_MAJOR} or set mlpipe.runtime.nodePath.`,
    true,
  );
}

