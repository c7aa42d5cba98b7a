package dev.agentidp.registry;

import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * How clients are registered and changed: registration with a secret generated here,
 * given by the caller or a public JWK instead; the bootstrap admin client's secret
 * replaced; a client disabled for good. Every change publishes its event and forgets the
 * kept client ({@link ClientLookup#forgetAfterCompletion}). Runs in the transaction of
 * the {@link ClientRegistry} call that uses it.
 */
final class ClientChanges {

	private static final String DISABLE = """
			UPDATE oauth_client SET disabled_at = now(), disabled_by = ?, disabled_why = ?
			WHERE client_id = ? AND disabled_at IS NULL""";

	private static final String REPLACE_SECRET = """
			UPDATE oauth_client SET secret_hash = ? WHERE client_id = ? AND secret_hash IS DISTINCT FROM ?""";

	private static final String INSERT_CLIENT = """
			INSERT INTO oauth_client (client_id, name, kind, secret_hash, jwk, scopes, created_at)
			VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""";

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	private final ClientLookup lookup;

	ClientChanges(JdbcClient jdbc, ApplicationEventPublisher events, ClientLookup lookup) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(lookup, "lookup cannot be null");
		this.jdbc = jdbc;
		this.events = events;
		this.lookup = lookup;
	}

	/**
	 * Disables a client for good ({@link ClientRegistry#disable}).
	 */
	Client disable(String clientId, String reason, String actor) {
		Assert.hasText(actor, "actor cannot be empty");
		if (reason != null && (reason.length() > 512 || reason.chars().anyMatch(Character::isISOControl))) {
			throw new InvalidInputException("reason", "must be at most 512 characters without control characters");
		}
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			throw ClientNotFoundException.client(clientId);
		}
		Client client = this.lookup.lock(clientId);
		if (client.disabled()) {
			throw new IllegalClientStateException("Client " + clientId + " is disabled already (since "
					+ client.disabledAt() + "); a disabled client is never enabled again");
		}
		if (client.clientId().equals(actor)) {
			throw new IllegalClientStateException("Client " + clientId + " cannot disable itself: disable it with"
					+ " another admin client, so that one always remains");
		}
		this.jdbc.sql(DISABLE).params(actor, reason, clientId).update();
		this.lookup.forgetAfterCompletion(clientId);
		this.events.publishEvent(new ClientDisabled(clientId, client.kind(), reason, actor));
		return this.lookup.getClient(clientId);
	}

	/**
	 * Replaces the bootstrap admin client's secret
	 * ({@link ClientRegistry#replaceSecret}).
	 */
	boolean replaceSecret(String clientId, String secret) {
		Assert.hasText(secret, "secret cannot be empty");
		String hash = ClientSecrets.hash(secret);
		if (this.jdbc.sql(REPLACE_SECRET).params(hash, clientId, hash).update() == 0) {
			return false;
		}
		this.lookup.forgetAfterCompletion(clientId);
		this.events.publishEvent(new ClientSecretReplaced(clientId,
				"IDP_BOOTSTRAP_ADMIN_SECRET changed: the stored secret hash was replaced"));
		return true;
	}

	/**
	 * Registers a client with a secret given by the caller
	 * ({@link ClientRegistry#registerWithSecret}).
	 */
	Client registerWithSecret(String clientId, String name, ClientKind kind, String secret, Set<String> scopes) {
		Assert.hasText(secret, "secret cannot be empty");
		Client client = new Client(clientId, name, kind, ClientSecrets.hash(secret), null, scopes,
				Instant.now().truncatedTo(ChronoUnit.MICROS));
		insert(client);
		this.events.publishEvent(new ClientRegistered(client.clientId(), client.name(), client.kind(), client.scopes(),
				"client_secret_basic", null));
		return client;
	}

	/**
	 * Registers a client ({@link ClientRegistry#register}).
	 */
	ClientRegistration register(String name, ClientKind kind, Set<String> scopes, String publicJwk, String actor) {
		Assert.notNull(kind, "kind cannot be null");
		if (name == null || name.isBlank() || name.length() > 128
				|| name.chars().anyMatch((c) -> Character.isISOControl(c))) {
			throw new InvalidInputException("name", "must be 1-128 characters without control characters");
		}
		Set<String> held = (scopes != null) ? Set.copyOf(scopes) : Set.of();
		for (String scope : held) {
			if (!Scopes.isValid(scope)) {
				throw new InvalidInputException("scopes", Scopes.RULE);
			}
		}
		if (kind == ClientKind.ADMIN && !ClientRegistry.ADMIN_SCOPES.containsAll(held)) {
			throw new InvalidInputException("scopes", "an admin client may hold only idp:admin and idp:audit:read");
		}
		if (kind == ClientKind.RESOURCE_SERVER && !held.isEmpty()) {
			throw new InvalidInputException("scopes", "a resource server holds no scopes (it may introspect)");
		}
		String jwkJson = null;
		if (publicJwk != null) {
			Map<String, Object> members;
			try {
				members = JSONObjectUtils.parse(publicJwk);
			}
			catch (ParseException ex) {
				throw new InvalidInputException("jwk", "must be a JSON object (a public JWK)");
			}
			jwkJson = StoredDocuments.jwkJson(PublicKeys.readJwk("jwk", members));
		}
		String secret = (jwkJson == null) ? ClientSecrets.generate() : null;
		Client client = new Client(newClientId(kind), name, kind, (secret != null) ? ClientSecrets.hash(secret) : null,
				jwkJson, held, Instant.now().truncatedTo(ChronoUnit.MICROS));
		insert(client);
		this.events.publishEvent(new ClientRegistered(client.clientId(), client.name(), client.kind(), client.scopes(),
				(secret != null) ? "client_secret_basic" : "private_key_jwt", actor));
		return new ClientRegistration(client, secret);
	}

	/**
	 * A new client id: {@code admin-} or {@code rs-} and 32 random hex digits. Never a
	 * UUID, which is what an agent's client id is.
	 */
	private static String newClientId(ClientKind kind) {
		String random = UUID.randomUUID().toString().replace("-", "");
		return ((kind == ClientKind.ADMIN) ? "admin-" : "rs-") + random;
	}

	private void insert(Client client) {
		this.jdbc.sql(INSERT_CLIENT)
			.params(client.clientId(), client.name(), client.kind().value(), client.secretHash(), client.jwk(),
					client.scopes().toArray(String[]::new), Timestamp.from(client.createdAt()))
			.update();
	}

}
