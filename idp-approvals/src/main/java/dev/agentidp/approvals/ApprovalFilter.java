package dev.agentidp.approvals;

import dev.agentidp.registry.AgentId;

/**
 * Which approval requests to list.
 *
 * @param status only those with this status, or {@code null} for all
 * @param agentId only those of this agent, or {@code null} for all
 */
public record ApprovalFilter(ApprovalStatus status, AgentId agentId) {

	/** The approvers' queue: pending requests not yet expired. */
	public static final ApprovalFilter PENDING = new ApprovalFilter(ApprovalStatus.PENDING, null);

}
