// How "Debug Step" reaches a step's Python process (issue 12). The host starts a debugpy session that
// listens, then runs the step (`mlpipe run --step <id> --no-cache`) with these variables; the runtime starts
// the step's Python under `python -m debugpy --connect <address> --wait-for-client`, so breakpoints are set
// before the user's code runs. Pure: the runtime and the host both import it.

/** `host:port` the debugpy session listens on. */
export const DEBUGPY_CONNECT_ENV = 'MLPIPE_DEBUGPY_CONNECT';
/** Folder holding the `debugpy` package (the Python Debugger extension ships one), prepended to PYTHONPATH. */
export const DEBUGPY_PATH_ENV = 'MLPIPE_DEBUGPY_PATH';

/** The interpreter's argv under debugpy (`pathDelimiter`: node:path's `delimiter`, for PYTHONPATH) when a Debug Step asked for it; else the argv as it was. */
export function underDebugpy(args: readonly string[], env: Record<string, string | undefined>, pathDelimiter: string): { args: string[]; env: Record<string, string | undefined> } {
  const address = env[DEBUGPY_CONNECT_ENV];
  if (!address) return { args: [...args], env };
  const extra = env[DEBUGPY_PATH_ENV];
  const childEnv: Record<string, string | undefined> = { ...env };
  if (extra) childEnv['PYTHONPATH'] = env['PYTHONPATH'] ? `${extra}${pathDelimiter}${env['PYTHONPATH']}` : extra;
  // Only the step's own interpreter is debugged: the variable is not passed on to what it starts.
  delete childEnv[DEBUGPY_CONNECT_ENV];
  return { args: ['-m', 'debugpy', '--connect', address, '--wait-for-client', ...args], env: childEnv };
}
