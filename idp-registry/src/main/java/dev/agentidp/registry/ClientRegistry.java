package dev.agentidp.registry;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.util.Assert;

/**
 * The registry's facade for clients that are not agents: admin clients and resource
 * servers. The single source of truth the authorization server reads clients from.
 */
@Service
public class ClientRegistry {

	private static final String SELECT_CLIENT = """
			SELECT client_id, name, kind, secret_hash, jwk::text AS jwk, scopes, created_at
			FROM oauth_client WHERE client_id = ?""";

	private static final String INSERT_CLIENT = """
			INSERT INTO oauth_client (client_id, name, kind, secret_hash, jwk, scopes, created_at)
			VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""";

	private static final String COUNT_KIND = "SELECT count(*) FROM oauth_client WHERE kind = ?";

	/** The scopes an admin client may hold (API.md §2). */
	public static final Set<String> ADMIN_SCOPES = Set.of("idp:admin", "idp:audit:read");

	private static final Set<String> FIELDS = Set.of("name", "kind", "scopes", "jwk");

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	/**
	 * @param jdbc the database
	 * @param events where {@link ClientRegistered} is published
	 */
	public ClientRegistry(JdbcClient jdbc, ApplicationEventPublisher events) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(events, "events cannot be null");
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * Finds a client by id.
	 * @param clientId the client id
	 * @return the client, or empty
	 */
	@Transactional(readOnly = true)
	public Optional<Client> findClient(String clientId) {
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			return Optional.empty();
		}
		return this.jdbc.sql(SELECT_CLIENT).param(clientId).query(ClientRegistry::mapClient).optional();
	}

	/**
	 * Registers a client with a secret given by the caller (stored hashed).
	 * @param clientId the id
	 * @param name the name
	 * @param kind the kind
	 * @param secret the secret in clear; only its hash is stored
	 * @param scopes the scopes it may hold
	 * @return the stored client
	 */
	@Transactional
	public Client registerWithSecret(String clientId, String name, ClientKind kind, String secret, Set<String> scopes) {
		Assert.hasText(secret, "secret cannot be empty");
		Client client = new Client(clientId, name, kind, ClientSecrets.hash(secret), null, scopes,
				Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
		insert(client);
		this.events.publishEvent(new ClientRegistered(client.clientId(), client.name(), client.kind(), client.scopes(),
				"client_secret_basic", null));
		return client;
	}

	/**
	 * Registers a client from the admin API's body (API.md §2): {@code {"name", "kind":
	 * "resource_server"|"admin", "scopes": [...], "jwk"?}}.
	 * @param body the JSON object
	 * @param actor the admin client registering it
	 * @return the client and, when no {@code jwk} was given, its generated secret (to be
	 * shown once)
	 * @throws InvalidInputException naming the field that breaks a rule
	 */
	@Transactional
	public ClientRegistration register(JsonNode body, String actor) {
		if (body == null || !body.isObject()) {
			throw new InvalidInputException("body", "must be a JSON object");
		}
		for (String field : body.propertyNames()) {
			if (!FIELDS.contains(field)) {
				throw new InvalidInputException(field, "is not a known field (allowed: jwk, kind, name, scopes)");
			}
		}
		JsonNode name = body.get("name");
		if (name == null || name.isNull()) {
			throw new InvalidInputException("name", "is required");
		}
		if (!name.isString()) {
			throw new InvalidInputException("name", "must be a string");
		}
		JsonNode kind = body.get("kind");
		if (kind == null || kind.isNull()) {
			throw new InvalidInputException("kind", "is required: resource_server or admin");
		}
		if (!kind.isString()) {
			throw new InvalidInputException("kind", "must be resource_server or admin");
		}
		ClientKind clientKind;
		try {
			clientKind = ClientKind.fromValue(kind.stringValue());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("kind", "must be resource_server or admin");
		}
		List<String> scopes = AgentDocuments.readArray(body.get("scopes"), "scopes", (element, path) -> {
			if (!element.isString()) {
				throw new InvalidInputException(path, "must be a string");
			}
			return element.stringValue();
		});
		JsonNode jwk = body.get("jwk");
		String jwkJson = null;
		if (jwk != null && !jwk.isNull()) {
			if (!jwk.isObject()) {
				throw new InvalidInputException("jwk", "must be a JSON object (a public JWK)");
			}
			jwkJson = jwk.toString();
		}
		return register(name.stringValue(), clientKind, new LinkedHashSet<>(scopes), jwkJson, actor);
	}

	/**
	 * Registers a client. Admin clients may hold only {@code idp:admin} and
	 * {@code idp:audit:read}; resource servers hold no scope (they may introspect).
	 * @param name a human-readable name, 1-128 characters without control characters
	 * @param kind the kind
	 * @param scopes the scopes it may hold
	 * @param publicJwk its public JWK as JSON for {@code private_key_jwt}, or
	 * {@code null} to have a secret of 256 random bits generated (stored as its SHA-256)
	 * @param actor the admin client registering it
	 * @return the client and its secret when one was generated
	 * @throws InvalidInputException naming the field that breaks a rule
	 */
	@Transactional
	public ClientRegistration register(String name, ClientKind kind, Set<String> scopes, String publicJwk,
			String actor) {
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
		if (kind == ClientKind.ADMIN && !ADMIN_SCOPES.containsAll(held)) {
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
			jwkJson = AgentDocuments.jwkJson(PublicKeys.readJwk("jwk", members));
		}
		String secret = (jwkJson == null) ? ClientSecrets.generate() : null;
		Client client = new Client(newClientId(kind), name, kind, (secret != null) ? ClientSecrets.hash(secret) : null,
				jwkJson, held, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
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

	/**
	 * How many clients of a kind exist.
	 * @param kind the kind
	 * @return the count
	 */
	@Transactional(readOnly = true)
	public long count(ClientKind kind) {
		return this.jdbc.sql(COUNT_KIND).param(kind.value()).query(Long.class).single();
	}

	private void insert(Client client) {
		this.jdbc.sql(INSERT_CLIENT)
			.params(client.clientId(), client.name(), client.kind().value(), client.secretHash(), client.jwk(),
					client.scopes().toArray(String[]::new), java.sql.Timestamp.from(client.createdAt()))
			.update();
	}

	private static Client mapClient(ResultSet rs, int row) throws SQLException {
		Array scopes = rs.getArray("scopes");
		return new Client(rs.getString("client_id"), rs.getString("name"), ClientKind.fromValue(rs.getString("kind")),
				rs.getString("secret_hash"), rs.getString("jwk"), Set.of((String[]) scopes.getArray()),
				rs.getTimestamp("created_at").toInstant());
	}

}
