package dev.agentidp.tokens;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A trusted issuer was added, changed or removed (docs/audit.md): recorded on the
 * {@code _system} chain, in the transaction of the change, as
 * {@code trusted_issuer.added}, {@code trusted_issuer.updated} or
 * {@code trusted_issuer.removed}, with what it now trusts.
 *
 * @param change {@code added}, {@code updated} or {@code removed}
 * @param issuer the issuer as stored after the change (before it, for a removal)
 * @param changed the members an update changed, or {@code null}
 * @param actor the admin client
 */
public record TrustedIssuerChanged(String change, TrustedIssuer issuer, java.util.List<String> changed,
		String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		TrustedIssuerSettings settings = this.issuer.settings();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", this.issuer.id().toString());
		details.put("kind", settings.kind().value());
		putIfSet(details, "jwksUri", settings.jwksUri());
		details.put("inlineJwks", settings.jwks() != null);
		details.put("audiences", settings.audiences());
		putIfSet(details, "subjectPattern", settings.subjectPattern());
		putIfSet(details, "trustDomain", settings.trustDomain());
		details.put("maxTokenAgeSeconds", settings.maxTokenAgeSeconds());
		if (this.changed != null) {
			details.put("changed", this.changed);
		}
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, this.actor, "trusted_issuer." + this.change, settings.issuer(),
				Decision.ALLOW, null, details);
	}

	private static void putIfSet(Map<String, Object> details, String member, String value) {
		if (value != null) {
			details.put(member, value);
		}
	}

}
