package dev.agentidp.registry;

import java.time.Instant;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * A registered client that is not an agent.
 *
 * @param clientId the client id
 * @param name a human-readable name
 * @param kind admin client or resource server
 * @param secretHash lowercase hex SHA-256 of the client secret, or {@code null} when the
 * client authenticates with a key
 * @param jwk the public JWK (JSON) for {@code private_key_jwt}, or {@code null}
 * @param scopes the scopes the client may hold
 * @param createdAt when it was registered
 */
public record Client(String clientId, String name, ClientKind kind, String secretHash, String jwk, Set<String> scopes,
		Instant createdAt) {

	public Client {
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.notNull(kind, "kind cannot be null");
		Assert.isTrue(secretHash != null || jwk != null, "a client needs a secret hash or a public key");
		scopes = Set.copyOf(scopes);
	}

}
