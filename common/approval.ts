// The custom properties a HumanApproval execution carries in ML Metadata (DESIGN §6): where it stands,
// and the decision once made. The store's queries, the orchestrator and the audit read the same keys.

/** Custom property: where the approval stands. The execution stays RUNNING while it is 'waiting'. */
export const APPROVAL_STATE_KEY = '__approval_state__';
/** Custom property: the decision, 'approved' or 'rejected' (the value MLMD stores). */
export const APPROVAL_DECISION_KEY = '__approval_decision__';

export type ApprovalState = 'waiting' | 'decided' | 'superseded' | 'timed_out';

/** A person's decision, as MLMD stores it in APPROVAL_DECISION_KEY: one vocabulary for the runtime, host and view. */
export type ApprovalVerdict = 'approved' | 'rejected';

// An approval's decision in the words every view uses (the run's events, the step status, the Runs tree):
// "rejected by ana: too few island rows", or, reused from the cache, "rejected (decision of 2026-12-01 by
// ana, reused: same model and inputs): too few island rows".

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
export function executionDecisionReason(e: { decision?: string; customProperties: Readonly<Record<string, unknown>> }): string | undefined {
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
