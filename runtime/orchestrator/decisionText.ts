// An approval's decision in the words every view uses (the run's events, the step status, the Runs tree):
// "rejected by ana: too few island rows", or, reused from the cache, "rejected (decision of 2026-12-01 by
// ana, reused: same model and inputs): too few island rows". Pure, so the extension host can use it too.
import type { Properties } from '../components/spec';

export interface DecisionFacts {
  decision: string;
  by: string;
  /** ISO time of the decision. */
  decidedAt?: string;
  comment?: string;
  /** Reused from the cache by an execution with the same inputs. */
  reused: boolean;
}

export function decisionReason(d: DecisionFacts): string {
  const verb = d.decision === 'approved' ? 'approved' : 'rejected';
  const day = d.decidedAt ? d.decidedAt.slice(0, 10) : 'an earlier run';
  const head = d.reused ? `${verb} (decision of ${day} by ${d.by}, reused: same model and inputs)` : `${verb} by ${d.by}`;
  return d.comment ? `${head}: ${d.comment}` : head;
}

/** The decision recorded on a HumanApproval execution (its own, or the one it reused: `reused_decision_of`). */
export function executionDecisionReason(e: { decision?: string; customProperties: Properties }): string | undefined {
  if (!e.decision) return undefined;
  const p = e.customProperties;
  return decisionReason({
    decision: e.decision,
    by: String(p['approved_by'] ?? 'unknown'),
    decidedAt: typeof p['decided_at'] === 'string' ? p['decided_at'] : undefined,
    comment: typeof p['comment'] === 'string' ? p['comment'] : undefined,
    reused: p['reused_decision_of'] !== undefined,
  });
}
