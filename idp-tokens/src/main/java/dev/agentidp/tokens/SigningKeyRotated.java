package dev.agentidp.tokens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * The provider's signing key was rotated ({@code POST /admin/v1/signing-keys/rotate}): a
 * new key signs, the keys that signed before are retired and stay published for
 * verification. Recorded on the {@code _system} chain.
 *
 * @param kid the new key's id
 * @param algorithm its algorithm
 * @param retired the ids of the keys it replaces
 * @param actor the admin client that rotated
 */
public record SigningKeyRotated(String kid, String algorithm, List<String> retired,
		String actor) implements AuditableEvent {

	public SigningKeyRotated {
		retired = List.copyOf(retired);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("algorithm", this.algorithm);
		details.put("retired", this.retired);
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, this.actor, "signing_key.rotated", this.kid, Decision.ALLOW,
				null, details);
	}

}
