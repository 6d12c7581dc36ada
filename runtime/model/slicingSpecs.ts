// `params.slices` of the Evaluator: TFMA slicing specs as lists of feature keys ([] = overall).
import { ComponentError } from '../components/spec';

export function parseSlices(raw: unknown): string[][] {
  if (raw === undefined || raw === null) return [[]];
  if (!Array.isArray(raw) || !raw.every((s) => Array.isArray(s) && s.every((k) => typeof k === 'string'))) {
    throw new ComponentError(`params.slices must be a list of feature-key lists, e.g. [[], [island], [island, sex]]; got ${JSON.stringify(raw)}`);
  }
  return raw as string[][];
}
