package dev.agentidp.registry;

import java.time.Instant;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * An agent key was retired: revoked at once, or retiring until {@code expiresAt}.
 *
 * @param agentId the agent
 * @param kid the key's kid
 * @param status {@code revoked} or {@code retiring}
 * @param expiresAt when it stops working
 * @param revokeTokens whether the tokens obtained by authenticating with the key are
 * revoked too, with every token derived from them (issue 14, item 18)
 * @param actor the client that retired it
 */
public record KeyRetired(AgentId agentId, String kid, KeyStatus status, Instant expiresAt, boolean revokeTokens,
		String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(this.agentId.toString(), this.actor, "key.retired", this.kid, Decision.ALLOW, null,
				Map.of("kid", this.kid, "status", this.status.value(), "expiresAt", this.expiresAt.toString(),
						"revokeTokens", this.revokeTokens));
	}

}
