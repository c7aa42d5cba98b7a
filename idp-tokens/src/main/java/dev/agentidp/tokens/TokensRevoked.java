package dev.agentidp.tokens;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * Tokens were revoked, with every token derived from them. Recorded in the revoking
 * transaction with the number of tokens the revocation reached (the cascade included).
 *
 * @param chain the agent chain the record belongs to, or {@code _system}
 * @param actor who revoked
 * @param by what was named: {@code jti}, {@code agent}, {@code task}, {@code client},
 * {@code key} (the tokens obtained with a retired key) or {@code scope} (the tokens of an
 * agent and its sub-agents carrying a scope removed from its capabilities)
 * @param target the jti, agent id, task, client id or kid named
 * @param revoked how many live tokens were revoked, descendants included
 * @param reason why, or {@code null}
 */
public record TokensRevoked(String chain, String actor, String by, String target, int revoked,
		String reason) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("by", this.by);
		details.put("revoked", this.revoked);
		return new AuditEntry(this.chain, this.actor, "token.revoked", this.target, Decision.ALLOW, this.reason,
				details);
	}

}
