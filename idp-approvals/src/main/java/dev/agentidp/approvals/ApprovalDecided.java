package dev.agentidp.approvals;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;

/**
 * A person approved ({@code approval.granted}) or denied ({@code approval.denied}) a
 * request; the actor is {@code user:<email>}. On the agent's chain, in the transaction of
 * the decision.
 *
 * @param agentId the agent
 * @param id the request's id
 * @param approver the person's e-mail
 * @param approved whether they approved
 * @param comment their comment, or {@code null}
 */
public record ApprovalDecided(AgentId agentId, ApprovalId id, String approver, boolean approved,
		String comment) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("approval_id", this.id.toString());
		if (this.comment != null) {
			details.put("comment", this.comment);
		}
		return new AuditEntry(this.agentId.toString(), "user:" + this.approver,
				this.approved ? "approval.granted" : "approval.denied", this.id.toString(),
				this.approved ? Decision.ALLOW : Decision.DENY, this.approved ? null : "denied by the approver",
				details);
	}

}
