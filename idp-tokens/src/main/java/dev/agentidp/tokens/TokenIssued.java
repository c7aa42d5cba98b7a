package dev.agentidp.tokens;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;

/**
 * An access token was issued by client credentials. Recorded on the agent's chain (on
 * {@code _system} for a client that is not an agent) in the issuing transaction. Carries
 * the token's jti, never the token.
 *
 * @param agentId the agent, or {@code null}
 * @param clientId the client
 * @param jti the token's id
 * @param scopes the scopes granted
 * @param audience the audience
 * @param task the task, or {@code null}
 * @param expiresAt its expiry
 */
public record TokenIssued(AgentId agentId, String clientId, Jti jti, java.util.Set<String> scopes,
		List<String> audience, String task, Instant expiresAt) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("jti", this.jti.value());
		details.put("scope", String.join(" ", new TreeSet<>(this.scopes)));
		details.put("aud", this.audience);
		if (this.task != null) {
			details.put("task", this.task);
		}
		details.put("exp", this.expiresAt.toString());
		return new AuditEntry((this.agentId != null) ? this.agentId.toString() : AuditEntry.SYSTEM_CHAIN, this.clientId,
				"token.issued", this.jti.value(), Decision.ALLOW, null, details);
	}

}
