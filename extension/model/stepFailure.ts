// What a failed step puts in Problems: one line saying why, on the step's line of the pipeline file, so
// a run_fn that raised (or any step that failed with a reason) is found where the step is written. The
// full message and the traceback stay in the step's log.

const MAX_CAUSE = 300;

/**
 * The one-line cause of a failed step: the first non-empty line of its reason, at most 300 characters.
 * A first line that announces what follows ("node exited with code 3; last output:") gets the reason's
 * last line, which is where a command's own error message is.
 */
export function failureCause(step: string, reason: string | undefined): string {
  const lines = (reason ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const first = lines[0];
  const announced = first !== undefined && first.endsWith(':') && lines.length > 1 ? `${first} ${lines[lines.length - 1]}` : first;
  const cause = announced ?? 'failed (no reason was recorded; see the step log)';
  const text = `${step} failed: ${cause}`;
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}…` : text;
}
