// The custom properties a HumanApproval execution carries in ML Metadata (DESIGN §6): where it stands,
// and the decision once made. The store's queries, the orchestrator and the audit read the same keys.

/** Custom property: where the approval stands. The execution stays RUNNING while it is 'waiting'. */
export const APPROVAL_STATE_KEY = '__approval_state__';
/** Custom property: the decision, 'approved' or 'rejected' (the value MLMD stores). */
export const APPROVAL_DECISION_KEY = '__approval_decision__';

export type ApprovalState = 'waiting' | 'decided' | 'superseded' | 'timed_out';

/** A person's decision, as MLMD stores it in APPROVAL_DECISION_KEY: one vocabulary for the runtime, host and view. */
export type ApprovalVerdict = 'approved' | 'rejected';
