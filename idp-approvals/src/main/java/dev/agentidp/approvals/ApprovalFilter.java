package dev.agentidp.approvals;

import dev.agentidp.registry.AgentId;

/**
 * Which approval requests to list.
 *
 * @param status only those with this status, or {@code null} for all
 * @param agentId only those of this agent, or {@code null} for all
 * @param decidableBy only those this person may decide by role and {@code login_hint}
 * (the rules of {@link Approvals}, but for the owner's separation of duties, which the
 * queue shows), or {@code null} for anyone's
 */
public record ApprovalFilter(ApprovalStatus status, AgentId agentId, Approver decidableBy) {

	/** The approvers' queue: pending requests not yet expired. */
	public static final ApprovalFilter PENDING = new ApprovalFilter(ApprovalStatus.PENDING, null, null);

	/**
	 * Requests of any approver.
	 * @param status only those with this status, or {@code null} for all
	 * @param agentId only those of this agent, or {@code null} for all
	 */
	public ApprovalFilter(ApprovalStatus status, AgentId agentId) {
		this(status, agentId, null);
	}

	/**
	 * This filter, narrowed to what one person may decide.
	 * @param approver the person
	 * @return the narrower filter
	 */
	public ApprovalFilter decidableBy(Approver approver) {
		return new ApprovalFilter(this.status, this.agentId, approver);
	}

}
