package dev.agentidp.tokens;

import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.ClientRegistry;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.util.Assert;

/**
 * Spring Security's view of the registry, the single source of truth for every client: an
 * agent (client id = its UUID) authenticates with {@code private_key_jwt} and its
 * registered keys, and is known only while it and every ancestor are active; a client
 * that is not an agent authenticates with its secret ({@code client_secret_basic}) or its
 * key. The agent or client read from the registry travels in the
 * {@link RegisteredClient}'s settings, so one request reads the registry once. A disabled
 * client is not found. Registration goes through the admin API, never through
 * {@link #save}.
 */
public final class RegistryClients implements RegisteredClientRepository {

	/** Client setting holding the {@link Agent} a registered client stands for. */
	static final String AGENT = "dev.agentidp.tokens.agent";

	/** Client setting holding the {@link Client} a registered client stands for. */
	static final String CLIENT = "dev.agentidp.tokens.client";

	/** Client setting holding the public {@link JWK} of a client that is not an agent. */
	static final String CLIENT_JWK = "dev.agentidp.tokens.client-jwk";

	/** Lifetime of a token issued to a client that is not an agent. */
	static final Duration CLIENT_TOKEN_TTL = Duration.ofMinutes(15);

	/** At most this many registered clients are kept built. */
	private static final int MAX_BUILT = 10_000;

	private final ClientRegistry clients;

	private final AgentRegistry agents;

	/**
	 * The registered client built for each agent version and each client row: the same
	 * agent version or client row is the same registered client, so a request
	 * authenticates without building one again (5 % of an introspection's CPU samples,
	 * JFR, issue 22). Every change of an agent makes a new version, and a client's row
	 * changes only by being disabled or given a new secret, both part of the
	 * {@link Client} record's equality, so a changed row is a new entry; whether the
	 * agent (and every ancestor) or the client may act is read from the registry on every
	 * request as before. Superseded entries go after five minutes unused.
	 */
	private final Cache<Object, RegisteredClient> built = Caffeine.newBuilder()
		.maximumSize(MAX_BUILT)
		.expireAfterAccess(Duration.ofMinutes(5))
		.build();

	/**
	 * @param clients the registry of clients that are not agents
	 * @param agents the registry of agents
	 */
	public RegistryClients(ClientRegistry clients, AgentRegistry agents) {
		Assert.notNull(clients, "clients cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		this.clients = clients;
		this.agents = agents;
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
		RegisteredClient tried = LastSeenAgentAuthentication.tried(clientId);
		if (tried != null) {
			// confirmed or refused by the assertion's replay statement, never trusted as
			// it is (LastSeenAgentAuthentication)
			return tried;
		}
		Optional<AgentId> agentId = agentId(clientId);
		if (agentId.isPresent()) {
			return this.agents.findActiveAgent(agentId.get()).map(this::registeredClientOf).orElse(null);
		}
		// a disabled client authenticates nowhere: to the authorization server it is
		// unknown, hence invalid_client (RFC 6749 §5.2), audited as any failed
		// authentication
		return this.clients.findClient(clientId)
			.filter((client) -> !client.disabled())
			.map((client) -> this.built.get(client, (key) -> toRegisteredClient(client)))
			.orElse(null);
	}

	/**
	 * The registered client of an agent as this node last found it active, read from no
	 * database ({@link AgentRegistry#lastSeenActiveAgent}): a guess, for
	 * {@link LastSeenAgentAuthentication} to confirm. None for an agent that declares
	 * workload identities, whose assertions {@link WorkloadAssertions} verifies.
	 * @param clientId the client id
	 * @return the registered client, or {@code null} for a client that is not an agent or
	 * an agent not seen active here
	 */
	RegisteredClient lastSeenAgent(String clientId) {
		return agentId(clientId).flatMap(this.agents::lastSeenActiveAgent)
			.filter((agent) -> agent.profile().workloadIdentity().isEmpty())
			.map(this::registeredClientOf)
			.orElse(null);
	}

	/**
	 * The agent a registered client stands for.
	 * @param client the registered client
	 * @return the agent, or empty for a client that is not an agent
	 */
	public static Optional<Agent> agentOf(RegisteredClient client) {
		return Optional.ofNullable(client.getClientSettings().getSetting(AGENT));
	}

	/**
	 * The client (not an agent) a registered client stands for.
	 * @param client the registered client
	 * @return the client, or empty for an agent
	 */
	static Optional<Client> clientOf(RegisteredClient client) {
		return Optional.ofNullable(client.getClientSettings().getSetting(CLIENT));
	}

	/**
	 * Whether the registered client is an admin client.
	 * @param client the registered client
	 * @return {@code true} for an admin client
	 */
	static boolean isAdmin(RegisteredClient client) {
		return clientOf(client).map((c) -> c.kind() == ClientKind.ADMIN).orElse(false);
	}

	/**
	 * Whether the registered client may revoke any token at {@code /oauth2/revoke}: an
	 * admin client that holds {@code idp:admin}, as the admin API requires for the same
	 * act. An admin client with {@code idp:audit:read} only reads the audit trail.
	 * @param client the registered client
	 * @return {@code true} for an admin client with {@code idp:admin}
	 */
	static boolean mayRevokeAny(RegisteredClient client) {
		return isAdmin(client) && client.getScopes().contains("idp:admin");
	}

	/**
	 * Whether the registered client may introspect any token (resource servers and admin
	 * clients).
	 * @param client the registered client
	 * @return {@code true} when it may
	 */
	static boolean mayIntrospectAny(RegisteredClient client) {
		return clientOf(client).isPresent();
	}

	/**
	 * The agent a client id names: agents' client ids are their UUIDs, and no other
	 * client's id is a UUID.
	 * @param clientId a client id, or {@code null}
	 * @return the agent id, or empty for a client that is not an agent
	 */
	public static Optional<AgentId> agentId(String clientId) {
		if (clientId == null || clientId.length() != 36) {
			return Optional.empty();
		}
		try {
			return Optional.of(AgentId.of(clientId));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The registered client built for the agent's version, built now if it is not yet.
	 */
	private RegisteredClient registeredClientOf(Agent agent) {
		return this.built.get(new AgentVersion(agent.id(), agent.version()), (key) -> toRegisteredClient(agent));
	}

	/** An agent's version: what its registered client is built from. */
	private record AgentVersion(AgentId id, long version) {
	}

	private static RegisteredClient toRegisteredClient(Agent agent) {
		String id = agent.id().toString();
		return RegisteredClient.withId(id)
			.clientId(id)
			.clientName(agent.name())
			.clientIdIssuedAt(agent.createdAt())
			.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
			.scopes((scopes) -> scopes.addAll(agent.scopes()))
			.clientSettings(ClientSettings.builder().setting(AGENT, agent).build())
			.tokenSettings(TokenSettings.builder()
				.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
				.accessTokenTimeToLive(Duration.ofSeconds(agent.tokenPolicy().defaultTtlSeconds()))
				.build())
			.build();
	}

	private static RegisteredClient toRegisteredClient(Client client) {
		ClientSettings.Builder settings = ClientSettings.builder().setting(CLIENT, client);
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
			try {
				settings.setting(CLIENT_JWK, JWK.parse(client.jwk()));
				builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
			}
			catch (ParseException ex) {
				// a stored key that cannot be read authenticates nobody
			}
		}
		return builder.clientSettings(settings.build()).build();
	}

}
