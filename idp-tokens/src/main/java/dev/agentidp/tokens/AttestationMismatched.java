package dev.agentidp.tokens;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * An agent's client attestation did not match the claims its document pins
 * (docs/workload-identity.md "Attestation"): recorded on the agent's chain as
 * {@code attestation.mismatched} with both values, in the transaction that also suspends
 * the agent when its {@code tokenPolicy.onAttestationMismatch} is {@code suspend}.
 *
 * @param agentId the agent
 * @param attester the attestation's issuer
 * @param expected the pinned claims
 * @param presented the attestation's values of those claims (an absent one as {@code ""})
 * @param reaction {@code deny} or {@code suspend}
 */
public record AttestationMismatched(String agentId, String attester, Map<String, String> expected,
		Map<String, String> presented, String reaction) implements AuditableEvent {

	/** What the client is told, and the record's reason. */
	public static final String DESCRIPTION = "attestation does not match the registered agent";

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("attester", this.attester);
		details.put("expected", this.expected);
		details.put("presented", this.presented);
		details.put("reaction", this.reaction);
		return new AuditEntry(this.agentId, this.agentId, "attestation.mismatched", this.agentId, Decision.DENY,
				DESCRIPTION, details);
	}

}
