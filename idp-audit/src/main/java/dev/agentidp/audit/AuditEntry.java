package dev.agentidp.audit;

import java.util.Map;

import org.springframework.util.Assert;

/**
 * What a module asks the audit trail to record. The trail adds the sequence number, the
 * time and the hashes.
 *
 * @param chain the agent id the record belongs to, or {@link #SYSTEM_CHAIN}
 * @param actor who acted: a client id, an admin client, or {@code null} when unknown
 * @param action what happened, e.g. {@code token.issued} (docs/audit.md "Contract" lists
 * them)
 * @param target what it happened to (an agent id, a jti, a client id), or {@code null}
 * @param decision allow or deny
 * @param reason why (always for a denial), or {@code null}
 * @param details further facts; never secrets or tokens (a token's jti, never the token)
 */
public record AuditEntry(String chain, String actor, String action, String target, Decision decision, String reason,
		Map<String, Object> details) {

	/** The chain of events that belong to no known agent. */
	public static final String SYSTEM_CHAIN = "_system";

	public AuditEntry {
		Assert.hasText(chain, "chain cannot be empty");
		Assert.hasText(action, "action cannot be empty");
		Assert.notNull(decision, "decision cannot be null");
		details = (details != null) ? Map.copyOf(details) : Map.of();
	}

}
