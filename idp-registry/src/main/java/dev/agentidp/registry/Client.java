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
 * @param disabledAt when it was disabled (it then authenticates nowhere), or {@code null}
 */
public record Client(String clientId, String name, ClientKind kind, String secretHash, String jwk, Set<String> scopes,
		Instant createdAt, Instant disabledAt) {

	public Client {
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.notNull(kind, "kind cannot be null");
		Assert.isTrue(secretHash != null || jwk != null, "a client needs a secret hash or a public key");
		scopes = Set.copyOf(scopes);
	}

	/**
	 * A client that has not been disabled.
	 * @param clientId the client id
	 * @param name a human-readable name
	 * @param kind admin client or resource server
	 * @param secretHash lowercase hex SHA-256 of the secret, or {@code null}
	 * @param jwk the public JWK (JSON), or {@code null}
	 * @param scopes the scopes the client may hold
	 * @param createdAt when it was registered
	 */
	public Client(String clientId, String name, ClientKind kind, String secretHash, String jwk, Set<String> scopes,
			Instant createdAt) {
		this(clientId, name, kind, secretHash, jwk, scopes, createdAt, null);
	}

	/**
	 * Whether the client was disabled (issue 14, item 9): it then authenticates at no
	 * endpoint, and its tokens were revoked when it was disabled.
	 * @return {@code true} when disabled
	 */
	public boolean disabled() {
		return this.disabledAt != null;
	}

}
