package dev.agentidp.tokens;

import java.time.Duration;

import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientRegistry;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.util.Assert;

/**
 * Spring Security's view of the registry: every client the authorization server knows is
 * read from the registry in PostgreSQL, the single source of truth. Registration goes
 * through the admin API, never through {@link #save}.
 */
public final class RegistryClients implements RegisteredClientRepository {

	/** Lifetime of a token issued to a client that is not an agent. */
	static final Duration CLIENT_TOKEN_TTL = Duration.ofMinutes(15);

	private final ClientRegistry registry;

	/**
	 * @param registry the registry
	 */
	public RegistryClients(ClientRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.registry = registry;
	}

	@Override
	public void save(RegisteredClient registeredClient) {
		throw new UnsupportedOperationException("Clients are registered through the admin API");
	}

	@Override
	public RegisteredClient findById(String id) {
		return findByClientId(id);
	}

	@Override
	public RegisteredClient findByClientId(String clientId) {
		return this.registry.findClient(clientId).map(RegistryClients::toRegisteredClient).orElse(null);
	}

	private static RegisteredClient toRegisteredClient(Client client) {
		RegisteredClient.Builder builder = RegisteredClient.withId(client.clientId())
			.clientId(client.clientId())
			.clientName(client.name())
			.clientIdIssuedAt(client.createdAt())
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scopes((scopes) -> scopes.addAll(client.scopes()))
			.tokenSettings(TokenSettings.builder()
				.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
				.accessTokenTimeToLive(CLIENT_TOKEN_TTL)
				.build());
		if (client.secretHash() != null) {
			builder.clientSecret(client.secretHash())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		}
		if (client.jwk() != null) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
		}
		return builder.build();
	}

}
