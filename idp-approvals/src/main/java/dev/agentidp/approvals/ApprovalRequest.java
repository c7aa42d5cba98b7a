package dev.agentidp.approvals;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.agentidp.registry.AgentId;

/**
 * An approval request as the approvers' queue shows it.
 *
 * @param id its id
 * @param agentId the agent asking
 * @param clientId the client that asked
 * @param owner the agent's owner
 * @param scopes the scopes the approved token will carry
 * @param details what exactly is to be approved
 * @param bindingMessage the message the agent shows its user too, or {@code null}
 * @param loginHint the one approver the agent named, or {@code null}
 * @param approverRoles the roles that may decide ({@code humanOversight.approvers})
 * @param status where it stands ({@link ApprovalStatus#EXPIRED} once past its expiry,
 * even before a poll marked it)
 * @param decision who decided, when, and why, or {@code null}
 * @param createdAt when it was asked
 * @param expiresAt when it expires
 * @param uses how many allowed decisions of the policy decision point it has served
 */
public record ApprovalRequest(ApprovalId id, AgentId agentId, String clientId, String owner, Set<String> scopes,
		List<AuthorizationDetail> details, String bindingMessage, String loginHint, List<String> approverRoles,
		ApprovalStatus status, Decided decision, Instant createdAt, Instant expiresAt, int uses) {

	/**
	 * A decision.
	 *
	 * @param by the person's e-mail
	 * @param at when
	 * @param comment their comment, or {@code null}
	 */
	public record Decided(String by, Instant at, String comment) {
	}

}
