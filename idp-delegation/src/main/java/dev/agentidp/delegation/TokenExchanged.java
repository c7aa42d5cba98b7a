package dev.agentidp.delegation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;
import dev.agentidp.tokens.Jti;

/**
 * A parent agent exchanged one of its tokens for a narrower token of a sub-agent.
 * Published twice in the exchanging transaction: once for the parent's chain, once for
 * the sub-agent's (docs/audit.md "Contract"). Carries jtis, never tokens.
 *
 * @param chain the chain this record goes to (the parent's or the sub-agent's id)
 * @param parentId the parent agent that asked
 * @param subAgentId the sub-agent the token is for
 * @param jti the new token's id
 * @param parentJti the subject token's id
 * @param scopes the scopes granted
 * @param depth the new token's delegation depth
 * @param expiresAt its expiry
 * @param budget the sub-budget carved for it ({@code budget=}), or {@code null}
 */
public record TokenExchanged(AgentId chain, AgentId parentId, AgentId subAgentId, Jti jti, Jti parentJti,
		Set<String> scopes, int depth, Instant expiresAt, BigDecimal budget) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("jti", this.jti.value());
		details.put("parentJti", this.parentJti.value());
		details.put("parent", this.parentId.toString());
		details.put("subAgent", this.subAgentId.toString());
		details.put("scope", String.join(" ", new TreeSet<>(this.scopes)));
		details.put("depth", this.depth);
		details.put("exp", this.expiresAt.toString());
		if (this.budget != null) {
			details.put("budget", this.budget.doubleValue());
		}
		return new AuditEntry(this.chain.toString(), this.parentId.toString(), "token.exchanged", this.jti.value(),
				Decision.ALLOW, null, details);
	}

}
