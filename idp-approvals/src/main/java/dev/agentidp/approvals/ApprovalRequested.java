package dev.agentidp.approvals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;

/**
 * An agent asked for a human's approval ({@code approval.requested}, on the agent's
 * chain, in the transaction that stores the request). Never the {@code auth_req_id}.
 *
 * @param agentId the agent
 * @param clientId the client that asked
 * @param id the request's id
 * @param scopes the scopes asked for
 * @param details what is to be approved
 * @param loginHint the approver named, or {@code null}
 * @param expiresAt when it expires
 */
public record ApprovalRequested(AgentId agentId, String clientId, ApprovalId id, Set<String> scopes,
		List<AuthorizationDetail> details, String loginHint, Instant expiresAt) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("approval_id", this.id.toString());
		details.put("scope", String.join(" ", new TreeSet<>(this.scopes)));
		details.put("authorization_details", AuthorizationDetail.claim(this.details));
		if (this.loginHint != null) {
			details.put("login_hint", this.loginHint);
		}
		details.put("exp", this.expiresAt.toString());
		return new AuditEntry(this.agentId.toString(), this.clientId, "approval.requested", this.id.toString(),
				Decision.ALLOW, null, details);
	}

}
