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
 * An approved token was issued by the CIBA grant ({@code token.issued} with the
 * approval's id and approver), in the issuing transaction.
 *
 * @param agentId the agent
 * @param clientId the client
 * @param jti the token's id
 * @param scopes the scopes granted
 * @param audience the audience
 * @param expiresAt its expiry
 * @param approvalId the approval it carries
 * @param approver who approved
 */
public record ApprovedTokenIssued(AgentId agentId, String clientId, String jti, Set<String> scopes,
		List<String> audience, Instant expiresAt, ApprovalId approvalId, String approver) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("jti", this.jti);
		details.put("scope", String.join(" ", new TreeSet<>(this.scopes)));
		details.put("aud", this.audience);
		details.put("exp", this.expiresAt.toString());
		details.put("grant_type", CibaGrant.GRANT_TYPE.getValue());
		details.put("approval_id", this.approvalId.toString());
		details.put("approver", this.approver);
		return new AuditEntry(this.agentId.toString(), this.clientId, "token.issued", this.jti, Decision.ALLOW, null,
				details);
	}

}
