package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A client that is not an agent was disabled: it authenticates at no endpoint from now
 * on. Recorded on the {@code _system} chain; the tokens module revokes every live token
 * issued to it, in the disabling transaction.
 *
 * @param clientId the client disabled
 * @param kind its kind
 * @param reason why, or {@code null}
 * @param actor the admin client that disabled it
 */
public record ClientDisabled(String clientId, ClientKind kind, String reason, String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", this.kind.value());
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, this.actor, "client.disabled", this.clientId, Decision.ALLOW,
				this.reason, details);
	}

}
