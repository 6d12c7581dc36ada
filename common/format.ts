// How numbers and durations are written for people, the same in the CLI, the trees, CodeLens, the DAG
// and the panels: a 12.3 s step reads "12.3 s" everywhere, and 65 s reads "1 min 5 s" everywhere.

/**
 * A duration: "480 ms", "12.3 s", "1 min 5 s", "2 h 3 min". Rounded first, so that 59.96 s is "1 min 0 s"
 * (not "60.0 s") and 119.6 s is "2 min 0 s" (not "1 min 60 s"). '' for a missing or non-finite value;
 * a negative one (clock skew between processes) reads as 0 ms.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const clamped = Math.max(0, ms);
  if (Math.round(clamped) < 1000) return `${Math.round(clamped)} ms`;
  const tenths = Math.round(clamped / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(clamped / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(clamped / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A measured value: compact, stable, and honest about missing, NaN and infinite values. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  // Large values below 1e15 print as whole numbers: ids and codes (a census tract 17,031,081,500) stay
  // readable and the min, median and max of one feature stay comparable (1.70e+10 hid that they differ).
  if (abs >= 1e7 && abs < 1e15) return Math.round(value).toLocaleString('en-US');
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-3)) return value.toExponential(2);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toPrecision(digits + (abs >= 1 ? Math.floor(Math.log10(abs)) : 0))).toLocaleString('en-US', {
    maximumFractionDigits: 6,
  });
}

/** A fraction as a percentage: "0%", "<0.1%", "3.2%", "45%". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 0.1) return '<0.1%';
  return `${pct.toFixed(pct < 10 ? 1 : 0)}%`;
}

/** How a missing slice value (SQL NULL, an empty CSV cell) reads in a slice's name. */
export const MISSING_SLICE_VALUE = '(missing)';

/** A TFMA slice key as people read it: "Overall", or "island = Biscoe, sex = FEMALE", or "sex = (missing)". */
export function formatSlice(slice: Readonly<Record<string, string | number | null>>): string {
  const entries = Object.entries(slice);
  if (entries.length === 0) return 'Overall';
  return entries.map(([k, v]) => `${k} = ${v === null || v === '' ? MISSING_SLICE_VALUE : v}`).join(', ');
}
