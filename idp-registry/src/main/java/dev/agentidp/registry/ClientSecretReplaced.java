package dev.agentidp.registry;

import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * The bootstrap admin client's secret was replaced because
 * {@code IDP_BOOTSTRAP_ADMIN_SECRET} changed between two starts: the old secret no longer
 * authenticates. Recorded on the {@code _system} chain (never the secret, nor its hash);
 * the tokens module revokes the client's live tokens, which the old secret obtained.
 *
 * @param clientId the client whose secret was replaced
 * @param reason why
 */
public record ClientSecretReplaced(String clientId, String reason) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, null, "client.secret_replaced", this.clientId, Decision.ALLOW,
				this.reason, Map.of());
	}

}
