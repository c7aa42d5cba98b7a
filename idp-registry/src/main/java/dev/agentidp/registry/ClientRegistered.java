package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A client that is not an agent (admin client, resource server) was registered. Recorded
 * on the {@code _system} chain.
 *
 * @param clientId the client id
 * @param name its name
 * @param kind its kind
 * @param scopes the scopes it may hold
 * @param authenticationMethod {@code client_secret_basic} or {@code private_key_jwt}
 * @param actor the client that registered it, or {@code null} for the provider itself
 * (the bootstrap admin client)
 */
public record ClientRegistered(String clientId, String name, ClientKind kind, Set<String> scopes,
		String authenticationMethod, String actor) implements AuditableEvent {

	public ClientRegistered {
		scopes = Set.copyOf(scopes);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("name", this.name);
		details.put("kind", this.kind.value());
		details.put("scopes", this.scopes.stream().sorted().toList());
		details.put("authenticationMethod", this.authenticationMethod);
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, this.actor, "client.registered", this.clientId, Decision.ALLOW,
				null, details);
	}

}
