// "Is this model blessed?": one predicate for the Pusher, the audit summary, the evaluation panel, and
// the Resolver's latest_blessed_model strategy (runtime/orchestrator/resolverStrategies.ts).
//
// Decided: a ModelBlessing is blessed when its `blessed` custom property is the integer 1 (what TFX's
// Evaluator writes, and ours) or the boolean true (MLMD v10's bool_value). A string, even '1' or 'true',
// does not count: TFX never writes one.

/** The ModelBlessing custom property that holds the verdict. */
export const BLESSED_PROPERTY = 'blessed';

export function isBlessedValue(value: unknown): boolean {
  return value === 1 || value === true;
}

/** true / false from a blessing's custom properties; null when it carries no verdict (not validated). */
export function blessingVerdict(customProperties: Readonly<Record<string, unknown>>): boolean | null {
  const value = customProperties[BLESSED_PROPERTY];
  if (value === undefined || value === null) return null;
  return isBlessedValue(value);
}
