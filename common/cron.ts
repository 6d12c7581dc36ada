// Cron expressions (pure, in common/ because the editor shows schedules too) for `schedule: {cron: …}`: the five fields Argo's CronWorkflow and cron(8) read
// (minute hour day-of-month month day-of-week), with lists, ranges, steps, month and weekday names,
// and the @daily-style macros. Written here rather than taken from npm: the grammar is small, and we
// need what no package gives: the exact character where an expression goes wrong, for the editor.

export interface CronFields {
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
  /** Day-of-month and day-of-week are both restricted (cron then runs when either matches). */
  domRestricted: boolean;
  dowRestricted: boolean;
}

export interface CronError {
  /** 0-based offset of the first wrong character in the expression, and how many characters are wrong. */
  offset: number;
  length: number;
  message: string;
}

export type CronParse = { ok: true; fields: CronFields; expression: string } | { ok: false; error: CronError };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in cron(8) and Argo.
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS },
];

export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class FieldError extends Error {
  constructor(readonly offset: number, readonly length: number, message: string) {
    super(message);
  }
}

function parseValue(text: string, at: number, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) throw new FieldError(at, text.length, `${spec.name} ${n} is out of range ${spec.min}-${spec.max}`);
    return n;
  }
  const index = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return index + (spec.names === MONTHS ? 1 : 0);
  const hint = spec.names ? ` (a number ${spec.min}-${spec.max} or a name such as ${spec.names[1]})` : ` (a number ${spec.min}-${spec.max})`;
  throw new FieldError(at, Math.max(1, text.length), `"${text}" is not a valid ${spec.name}${hint}`);
}

function parseField(text: string, at: number, spec: FieldSpec): { values: number[]; restricted: boolean } {
  const values = new Set<number>();
  let offset = at;
  for (const part of text.split(',')) {
    if (part === '') throw new FieldError(offset, 1, `empty item in the ${spec.name} list`);
    const [rangeText, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new FieldError(offset, part.length, `"${part}" has more than one step ("/")`);
    let lo: number;
    let hi: number;
    if (rangeText === '*' || rangeText === '?') {
      lo = spec.min;
      hi = spec.name === 'day of week' ? 6 : spec.max;
    } else {
      const dash = rangeText!.indexOf('-', 1);
      if (dash > 0) {
        lo = parseValue(rangeText!.slice(0, dash), offset, spec);
        hi = parseValue(rangeText!.slice(dash + 1), offset + dash + 1, spec);
        if (hi < lo) throw new FieldError(offset, rangeText!.length, `range ${rangeText} of ${spec.name} runs backwards`);
      } else {
        lo = parseValue(rangeText!, offset, spec);
        // `5/15` means from 5 to the end in steps of 15.
        hi = stepText === undefined ? lo : spec.max;
      }
    }
    let step = 1;
    if (stepText !== undefined) {
      const stepAt = offset + rangeText!.length + 1;
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new FieldError(stepAt, Math.max(1, stepText.length), `step "${stepText}" of ${spec.name} must be a whole number above 0`);
      step = Number(stepText);
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.name === 'day of week' && v === 7 ? 0 : v);
    offset += part.length + 1;
  }
  return { values: [...values].sort((a, b) => a - b), restricted: !(text === '*' || text === '?') };
}

/** Parses a 5-field cron expression or macro; an error says which character and why. */
export function parseCron(expression: string): CronParse {
  const lead = expression.length - expression.trimStart().length;
  const trimmed = expression.trim();
  if (trimmed === '') return { ok: false, error: { offset: 0, length: Math.max(1, expression.length), message: 'empty cron expression (five fields: minute hour day-of-month month day-of-week)' } };
  let source = trimmed;
  if (trimmed.startsWith('@')) {
    const macro = CRON_MACROS[trimmed.toLowerCase()];
    if (!macro) return { ok: false, error: { offset: lead, length: trimmed.length, message: `unknown cron macro ${trimmed} (one of ${Object.keys(CRON_MACROS).join(', ')})` } };
    source = macro;
  }
  const parts: Array<{ text: string; at: number }> = [];
  const re = /\S+/g;
  for (let m = re.exec(source); m; m = re.exec(source)) parts.push({ text: m[0], at: (source === trimmed ? lead : 0) + m.index });
  if (parts.length !== 5) {
    const extra = parts[5];
    const message = `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has ${parts.length}`;
    return { ok: false, error: extra ? { offset: extra.at, length: expression.length - extra.at, message } : { offset: lead, length: trimmed.length, message } };
  }
  try {
    const f = parts.map((p, i) => parseField(p.text, p.at, FIELDS[i]!));
    return {
      ok: true,
      expression: trimmed,
      fields: {
        minute: f[0]!.values,
        hour: f[1]!.values,
        dayOfMonth: f[2]!.values,
        month: f[3]!.values,
        dayOfWeek: f[4]!.values,
        domRestricted: f[2]!.restricted,
        dowRestricted: f[4]!.restricted,
      },
    };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, error: { offset: err.offset, length: err.length, message: err.message } };
    throw err;
  }
}

/** Whether an IANA time zone name is known to this Node (its ICU data). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A short English reading of a schedule, for the tree and the hover: `at 03:00 every day (Europe/Berlin)`. */
export function describeCron(fields: CronFields): string {
  const everyMinute = fields.minute.length === 60;
  const everyHour = fields.hour.length === 24;
  let time: string;
  if (fields.minute.length === 1 && fields.hour.length <= 3 && !everyHour) time = `at ${fields.hour.map((h) => `${pad(h)}:${pad(fields.minute[0]!)}`).join(', ')}`;
  else if (fields.minute.length === 1 && everyHour) time = `at minute ${fields.minute[0]} of every hour`;
  else if (everyMinute && everyHour) time = 'every minute';
  else time = `at minute ${list(fields.minute)} of hour ${list(fields.hour)}`;
  const days: string[] = [];
  if (fields.domRestricted) days.push(`on day ${list(fields.dayOfMonth)} of the month`);
  if (fields.dowRestricted) days.push(`on ${fields.dayOfWeek.map((d) => WEEKDAYS[d]!.replace(/^./, (c) => c.toUpperCase())).join(', ')}`);
  const months = fields.month.length === 12 ? '' : ` in ${fields.month.map((m) => MONTHS[m - 1]!.replace(/^./, (c) => c.toUpperCase())).join(', ')}`;
  return `${time} ${days.length ? days.join(' or ') : 'every day'}${months}`;
}

function list(values: number[]): string {
  return values.length > 6 ? `${values.slice(0, 5).join(',')}…` : values.join(',');
}

/** KFP's recurring runs read six fields (seconds first, robfig/cron): the same schedule at second 0. */
export function kfpCronExpression(expression: string): string {
  const trimmed = expression.trim();
  const source = CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
  return `0 ${source.split(/\s+/).join(' ')}`;
}

/** How the editor shows a pipeline's schedule: a short label for the tree, Markdown for tooltips and hovers. */
export function describeSchedule(schedule: { cron: string; timezone?: string }): { label: string; reading: string; markdown: string } {
  const parsed = parseCron(schedule.cron);
  const zone = schedule.timezone ? ` (${schedule.timezone})` : ' (the scheduler’s time zone, usually UTC)';
  const reading = parsed.ok ? `${describeCron(parsed.fields)}${zone}` : `invalid: ${parsed.error.message}`;
  const label = `${schedule.cron}${schedule.timezone ? ` ${schedule.timezone}` : ''}`;
  const markdown = [
    `**Schedule** \`${schedule.cron.replace(/`/g, '')}\`: ${reading.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`)}`,
    '',
    'Exported as an Argo CronWorkflow or a Kubeflow Pipelines recurring run. `mlpipe run` itself runs once: schedule it with cron or a CI job (see the README).',
  ].join('\n');
  return { label, reading, markdown };
}
