// A small, strict argument parser: unknown flags are usage errors (exit 2), never silently ignored.

import { UsageError } from '../errors';

export interface FlagSpec {
  /** Flags that take a value (`--db <path>`). */
  values: readonly string[];
  /** Flags that don't (`--json`). */
  switches: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  switches: Set<string>;
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (spec.switches.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out.switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      out.values[name] = value;
    } else {
      const known = [...spec.values, ...spec.switches].map((f) => `--${f}`).join(', ');
      throw new UsageError(`unknown option --${name}${known ? ` (options: ${known})` : ''}`);
    }
  }
  return out;
}
