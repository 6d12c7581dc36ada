// TFMA-style metric validation: value thresholds (inclusive bounds) and change thresholds against the
// baseline (direction + absolute and/or relative on candidate − baseline). Without a baseline the change
// thresholds are dropped (TFMA's rubber stamp), as TFX does on the first run.
import { ComponentError } from '../components/spec';
import type { CellValue } from './parquetRows';
import { MISSING_SLICE_VALUE } from '../../common/format';

export type Direction = 'higher_is_better' | 'lower_is_better';

export interface ChangeThreshold {
  direction: Direction;
  absolute?: number;
  relative?: number;
}

export interface MetricThreshold {
  lower_bound?: number;
  upper_bound?: number;
  change?: ChangeThreshold;
  /** Also check every computed slice, not only the overall one (TFMA: per_slice_thresholds). */
  per_slice?: boolean;
}

export type Thresholds = Record<string, MetricThreshold>;

export const METRIC_NAMES = ['accuracy', 'auc', 'log_loss', 'precision', 'recall', 'rmse', 'mae', 'r2', 'count', 'weighted_example_count'] as const;

function finiteOrUndefined(where: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ComponentError(`${where} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Parse `params.thresholds` (DESIGN §5 syntax) with messages naming the exact key at fault. */
export function parseThresholds(raw: unknown): Thresholds {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ComponentError('params.thresholds must be a map: metric -> {lower_bound, upper_bound, change}');
  const out: Thresholds = {};
  for (const [metric, spec] of Object.entries(raw as Record<string, unknown>)) {
    const where = `params.thresholds.${metric}`;
    if (!(METRIC_NAMES as readonly string[]).includes(metric)) {
      throw new ComponentError(`${where}: unknown metric "${metric}"`, `Use one of ${METRIC_NAMES.join(', ')}.`);
    }
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new ComponentError(`${where} must be a map with lower_bound, upper_bound and/or change`);
    const s = spec as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (!['lower_bound', 'upper_bound', 'change', 'per_slice'].includes(key)) throw new ComponentError(`${where}: unknown key "${key}"`, 'Allowed: lower_bound, upper_bound, change, per_slice.');
    }
    const t: MetricThreshold = { lower_bound: finiteOrUndefined(`${where}.lower_bound`, s['lower_bound']), upper_bound: finiteOrUndefined(`${where}.upper_bound`, s['upper_bound']) };
    if (s['per_slice'] !== undefined) {
      if (typeof s['per_slice'] !== 'boolean') throw new ComponentError(`${where}.per_slice must be true or false`);
      t.per_slice = s['per_slice'];
    }
    if (s['change'] !== undefined) {
      const c = s['change'];
      if (!c || typeof c !== 'object' || Array.isArray(c)) throw new ComponentError(`${where}.change must be a map {direction, absolute, relative}`);
      const cm = c as Record<string, unknown>;
      const direction = cm['direction'];
      if (direction !== 'higher_is_better' && direction !== 'lower_is_better') {
        throw new ComponentError(`${where}.change.direction must be higher_is_better or lower_is_better, got ${JSON.stringify(direction)}`);
      }
      const change: ChangeThreshold = { direction, absolute: finiteOrUndefined(`${where}.change.absolute`, cm['absolute']), relative: finiteOrUndefined(`${where}.change.relative`, cm['relative']) };
      if (change.absolute === undefined && change.relative === undefined) throw new ComponentError(`${where}.change needs absolute and/or relative`, 'e.g. change: {direction: higher_is_better, absolute: -1e-10}');
      t.change = change;
    }
    if (t.lower_bound === undefined && t.upper_bound === undefined && !t.change) throw new ComponentError(`${where} sets no bound and no change threshold`);
    out[metric] = t;
  }
  return out;
}

export interface SliceMetrics {
  slice: Record<string, CellValue>;
  count: number;
  metrics: Record<string, number>;
}

export interface ValidationFailure {
  slice: Record<string, CellValue>;
  metric: string;
  kind: 'value' | 'change' | 'missing';
  value?: number;
  baseline_value?: number;
  threshold: MetricThreshold;
  message: string;
}

export interface ValidationResult {
  validation_ok: boolean;
  /** No baseline: change thresholds were dropped (TFMA rubber_stamp). */
  rubber_stamp: boolean;
  dropped_change_thresholds: string[];
  checked: number;
  failures: ValidationFailure[];
}

function sliceKey(slice: Record<string, CellValue>): string {
  return JSON.stringify(Object.entries(slice).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function describe(slice: Record<string, CellValue>): string {
  const parts = Object.entries(slice).map(([k, v]) => `${k}=${v === null ? MISSING_SLICE_VALUE : String(v)}`);
  return parts.length ? parts.join(', ') : 'overall';
}

/**
 * Validate candidate slices against thresholds. `candidate[0]` must be the overall slice; thresholds apply
 * to it, and to every slice when `per_slice` is set. `baseline` holds the baseline's slices, or null.
 */
export function validateMetrics(thresholds: Thresholds, candidate: SliceMetrics[], baseline: SliceMetrics[] | null): ValidationResult {
  const baselineBySlice = new Map((baseline ?? []).map((s) => [sliceKey(s.slice), s]));
  const failures: ValidationFailure[] = [];
  const dropped = baseline ? [] : Object.entries(thresholds).filter(([, t]) => t.change).map(([m]) => m);
  let checked = 0;
  candidate.forEach((slice, index) => {
    for (const [metric, t] of Object.entries(thresholds)) {
      if (index > 0 && !t.per_slice) continue;
      const where = describe(slice.slice);
      const value = metric === 'count' ? slice.count : slice.metrics[metric];
      checked++;
      if (value === undefined || !Number.isFinite(value)) {
        failures.push({ slice: slice.slice, metric, kind: 'missing', threshold: t, message: `${where}: metric ${metric} not found (not computed for this model or slice)` });
        continue;
      }
      if (t.lower_bound !== undefined && value < t.lower_bound) {
        failures.push({ slice: slice.slice, metric, kind: 'value', value, threshold: t, message: `${where}: ${metric} ${value} is below the lower bound ${t.lower_bound}` });
      }
      if (t.upper_bound !== undefined && value > t.upper_bound) {
        failures.push({ slice: slice.slice, metric, kind: 'value', value, threshold: t, message: `${where}: ${metric} ${value} is above the upper bound ${t.upper_bound}` });
      }
      if (!t.change || !baseline) continue;
      const b = baselineBySlice.get(sliceKey(slice.slice));
      const baseValue = b ? (metric === 'count' ? b.count : b.metrics[metric]) : undefined;
      if (baseValue === undefined || !Number.isFinite(baseValue)) {
        failures.push({ slice: slice.slice, metric, kind: 'missing', value, threshold: t, message: `${where}: baseline metric ${metric} not found, so the change cannot be checked` });
        continue;
      }
      const diff = value - baseValue;
      const better = (d: number, bound: number): boolean => (t.change?.direction === 'higher_is_better' ? d >= bound : d <= bound);
      if (t.change.absolute !== undefined && !better(diff, t.change.absolute)) {
        failures.push({ slice: slice.slice, metric, kind: 'change', value, baseline_value: baseValue, threshold: t, message: `${where}: ${metric} changed by ${diff} against the baseline (${baseValue}); the ${t.change.direction} absolute threshold is ${t.change.absolute}` });
      }
      if (t.change.relative !== undefined) {
        // TFMA: relative = diff / baseline; a baseline of ~0 gives NaN, which fails.
        const relative = Math.abs(baseValue) < 1e-12 ? Number.NaN : diff / baseValue;
        if (Number.isNaN(relative) || !better(relative, t.change.relative)) {
          failures.push({ slice: slice.slice, metric, kind: 'change', value, baseline_value: baseValue, threshold: t, message: `${where}: ${metric} changed by ${Number.isNaN(relative) ? 'an undefined fraction' : relative} relative to the baseline (${baseValue}); the ${t.change.direction} relative threshold is ${t.change.relative}` });
        }
      }
    }
  });
  return { validation_ok: failures.length === 0, rubber_stamp: baseline === null, dropped_change_thresholds: dropped, checked, failures };
}
