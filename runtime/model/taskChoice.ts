// `task: auto`: classification or regression, decided from the label's values, with the reason said
// in the Trainer's log. Text is classes; numbers are a regression target unless they are a handful of
// whole numbers (0/1, a 1-5 rating), which is how classes are usually written in a CSV.
import { categoryKey } from '../data/transformProgram';
import type { CellValue } from './parquetRows';

/** At most this many distinct whole-number values make an integer label classes under `task: auto`. */
export const MAX_AUTO_CLASSES = 10;

export interface TaskChoice {
  task: 'classification' | 'regression';
  /** One sentence for the log: what was chosen and why. */
  reason: string;
}

const list = (values: string[]): string => (values.length > 6 ? `${values.slice(0, 6).join(', ')}, …` : values.join(', '));

/** The task for a label column of the train split (`numeric`: every present value is a number or boolean). */
export function chooseTask(label: string, values: readonly CellValue[], numeric: boolean): TaskChoice {
  const present = values.filter((v) => v !== null);
  const distinct = [...new Set(present.map((v) => categoryKey(v)).filter((k): k is string => k !== null))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  if (!numeric) return { task: 'classification', reason: `label "${label}" holds text (${distinct.length} classes: ${list(distinct)}), so task: auto chose classification` };
  const whole = present.every((v) => typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)));
  // Few distinct whole numbers, and each seen more than once on average: classes, not a count or an id.
  if (whole && distinct.length >= 2 && distinct.length <= MAX_AUTO_CLASSES && present.length >= 2 * distinct.length) {
    return {
      task: 'classification',
      reason: `label "${label}" holds ${distinct.length} distinct whole numbers (${list(distinct)}) in ${present.length} rows, so task: auto chose classification; set task: regression to predict it as a number`,
    };
  }
  return {
    task: 'regression',
    reason: `label "${label}" is numeric with ${distinct.length} distinct values${whole ? '' : ' (not all whole numbers)'} in ${present.length} rows, so task: auto chose regression; set task: classification to treat them as classes`,
  };
}
