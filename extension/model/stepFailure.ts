// What a failed step puts in Problems: one line saying why, on the step's line of the pipeline file, so
// a run_fn that raised (or any step that failed with a reason) is found where the step is written. The
// full message and the traceback stay in the step's log.

const MAX_CAUSE = 300;

/** The one-line cause of a failed step: the first non-empty line of its reason, at most 300 characters. */
export function failureCause(step: string, reason: string | undefined): string {
  const first = (reason ?? '').split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
  const cause = first ?? 'failed (no reason was recorded; see the step log)';
  const text = `${step} failed: ${cause}`;
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}…` : text;
}
