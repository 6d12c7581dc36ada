// Which debugger a step's own code runs under, from its definition alone: a Function module and a Trainer's
// TS/JS module run inside the runtime's Node process (VS Code's JavaScript debugger); a Trainer's Python
// module and a Command that starts Python run in a Python process (debugpy). Anything else has no code of
// the user's to step through. Pure: no `vscode` import.
import type { ComponentIR } from '../../runtime/server/protocol';

export type DebugKind = 'node' | 'python';

const PYTHON_PROGRAM = /(^|[\\/])python(\d+(\.\d+)*)?(\.exe)?$/i;

export function debugKindOf(c: Pick<ComponentIR, 'type' | 'params'>): DebugKind | undefined {
  const module = c.params['module'];
  if (c.type === 'Function') return 'node';
  if (c.type === 'Trainer' && typeof module === 'string') return /\.py$/i.test(module) ? 'python' : 'node';
  if (c.type === 'Command') {
    const command = c.params['command'];
    const program = Array.isArray(command) ? command[0] : undefined;
    if (typeof program === 'string' && PYTHON_PROGRAM.test(program)) return 'python';
  }
  return undefined;
}
