package dev.agentidp.approvals;

import java.time.Instant;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;

/**
 * A request expired undecided ({@code approval.expired}), recorded when a poll or a late
 * decision finds it so.
 *
 * @param agentId the agent
 * @param id the request's id
 * @param expiresAt when it expired
 */
public record ApprovalExpired(AgentId agentId, ApprovalId id, Instant expiresAt) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(this.agentId.toString(), null, "approval.expired", this.id.toString(), Decision.DENY,
				"not decided before it expired",
				Map.of("approval_id", this.id.toString(), "exp", this.expiresAt.toString()));
	}

}
