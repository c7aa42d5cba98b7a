package dev.agentidp.tokens;

import java.util.LinkedHashMap;
import java.util.List;
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
 * @param jtis the jti of every token revoked, descendants included (what the outbound
 * signals name as revoked sessions); not part of the audit record, which counts them
 */
public record TokensRevoked(String chain, String actor, String by, String target, int revoked, String reason,
		List<String> jtis) implements AuditableEvent {

	public TokensRevoked {
		jtis = List.copyOf(jtis);
	}

	/**
	 * A revocation of the tokens named.
	 * @param chain the agent chain the record belongs to, or {@code _system}
	 * @param actor who revoked
	 * @param by what was named
	 * @param target what was named
	 * @param reason why, or {@code null}
	 * @param jtis the jti of every token revoked
	 * @return the event
	 */
	static TokensRevoked of(String chain, String actor, String by, String target, String reason, List<String> jtis) {
		return new TokensRevoked(chain, actor, by, target, jtis.size(), reason, jtis);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("by", this.by);
		details.put("revoked", this.revoked);
		return new AuditEntry(this.chain, this.actor, "token.revoked", this.target, Decision.ALLOW, this.reason,
				details);
	}

}
