package dev.agentidp.registry;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The registry's facade for clients that are not agents: admin clients and resource
 * servers. The single source of truth the authorization server reads clients from.
 */
@Service
public class ClientRegistry {

	private static final String COLUMNS = "client_id, name, kind, secret_hash, jwk::text AS jwk, scopes, created_at,"
			+ " disabled_at";

	private static final String SELECT_CLIENT = "SELECT " + COLUMNS + " FROM oauth_client WHERE client_id = ?";

	private static final String SELECT_CLIENT_FOR_UPDATE = SELECT_CLIENT + " FOR UPDATE";

	/**
	 * An enabled client's row, held (FOR SHARE) until the caller's transaction ends:
	 * holds do not block each other; a disable waits for them, and they for it.
	 */
	private static final String HOLD_ENABLED = "SELECT 1 FROM oauth_client WHERE client_id = ? AND disabled_at IS NULL"
			+ " FOR SHARE";

	/** Keyset paging, oldest first (as agents are listed). */
	private static final String SELECT_PAGE = "SELECT " + COLUMNS
			+ " FROM oauth_client WHERE (created_at, client_id) > (?, ?) ORDER BY created_at, client_id LIMIT ?";

	private static final String DISABLE = """
			UPDATE oauth_client SET disabled_at = now(), disabled_by = ?, disabled_why = ?
			WHERE client_id = ? AND disabled_at IS NULL""";

	private static final String REPLACE_SECRET = """
			UPDATE oauth_client SET secret_hash = ? WHERE client_id = ? AND secret_hash IS DISTINCT FROM ?""";

	private static final String INSERT_CLIENT = """
			INSERT INTO oauth_client (client_id, name, kind, secret_hash, jwk, scopes, created_at)
			VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""";

	private static final String COUNT_KIND = "SELECT count(*) FROM oauth_client WHERE kind = ?";

	/** The scopes an admin client may hold (docs/api.md "Contract"). */
	public static final Set<String> ADMIN_SCOPES = Set.of("idp:admin", "idp:audit:read");

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	/** Found clients kept in memory ({@link RegistryCaches#foundClients()}). */
	private final Cache<String, Client> foundClients;

	/**
	 * @param jdbc the database
	 * @param events where {@link ClientRegistered} is published
	 * @param caches where found clients are kept
	 */
	ClientRegistry(JdbcClient jdbc, ApplicationEventPublisher events, RegistryCaches caches) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(caches, "caches cannot be null");
		this.jdbc = jdbc;
		this.events = events;
		this.foundClients = caches.foundClients();
	}

	/**
	 * Finds a client by id, disabled or not ({@link Client#disabled()}: callers that
	 * authenticate refuse a disabled one). It runs on every request a resource server or
	 * admin client authenticates, so a client found outside a transaction is kept in
	 * memory for {@code idp.registry.client-cache-ttl} (30 s by default; at most
	 * {@code idp.registry.client-cache-size} clients, {@link RegistryCaches}): its row
	 * changes only when it is disabled or its secret is replaced (migrations V5 and V8
	 * refuse any other UPDATE), which this node forgets at once; another node may keep
	 * the old row up to the time limit, which also bounds how long a row deleted by hand
	 * in SQL still authenticates on a running node (token issuance itself reads the row,
	 * so no node issues a token to a disabled client). A client not found is never kept,
	 * so a client registered on another node is found at once.
	 * @param clientId the client id
	 * @return the client, or empty
	 */
	public Optional<Client> findClient(String clientId) {
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			return Optional.empty();
		}
		Client found = this.foundClients.getIfPresent(clientId);
		if (found != null) {
			return Optional.of(found);
		}
		Optional<Client> client = this.jdbc.sql(SELECT_CLIENT)
			.param(clientId)
			.query(ClientRegistry::mapClient)
			.optional();
		// a row read inside a transaction may be that transaction's own insert, which a
		// rollback would take back: keep only what was read outside one
		if (client.isPresent() && !TransactionSynchronizationManager.isActualTransactionActive()) {
			this.foundClients.put(clientId, client.get());
		}
		else if (client.isEmpty()) {
			this.foundClients.invalidate(clientId);
		}
		return client;
	}

	/**
	 * The client with this id, disabled or not (the admin API's read).
	 * @param clientId the client id
	 * @return the client
	 * @throws ClientNotFoundException when there is none (an agent's id included: agents
	 * are not in this registry)
	 */
	@Transactional(readOnly = true)
	public Client getClient(String clientId) {
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			throw ClientNotFoundException.client(clientId);
		}
		return this.jdbc.sql(SELECT_CLIENT)
			.param(clientId)
			.query(ClientRegistry::mapClient)
			.optional()
			.orElseThrow(() -> ClientNotFoundException.client(clientId));
	}

	/**
	 * Holds a client against being disabled until the caller's transaction ends, and says
	 * whether it is enabled now. Every transaction that writes a token for the client
	 * calls this before it writes: a concurrent {@link #disable disable} waits for it to
	 * commit, so that the revocation it runs next sees the token; one that has committed
	 * already makes this answer {@code false}, whatever another node's cache of the
	 * client still says ({@link #findClient}).
	 * @param clientId the client id
	 * @return whether the client exists and is enabled
	 * @throws IllegalStateException when no transaction is active
	 */
	public boolean holdForIssuance(String clientId) {
		Assert.hasText(clientId, "clientId cannot be empty");
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"a client is held for the transaction that writes its token");
		return this.jdbc.sql(HOLD_ENABLED).param(clientId).query(Integer.class).optional().isPresent();
	}

	/**
	 * One page of the clients that are not agents, oldest first.
	 * @param cursor the cursor of a previous page, or {@code null} for the first
	 * @param limit 1-500
	 * @return the page
	 * @throws InvalidInputException for a bad cursor or limit
	 */
	@Transactional(readOnly = true)
	public Page<Client> list(String cursor, int limit) {
		Page.checkLimit(limit);
		ClientCursor after = (cursor != null) ? ClientCursor.decode(cursor) : ClientCursor.FIRST;
		List<Client> rows = this.jdbc.sql(SELECT_PAGE)
			.params(java.sql.Timestamp.from(after.createdAt()), after.clientId(), limit + 1)
			.query(ClientRegistry::mapClient)
			.list();
		List<Client> items = rows.stream().limit(limit).toList();
		String next = null;
		if (rows.size() > limit) {
			Client last = items.get(items.size() - 1);
			next = new ClientCursor(last.createdAt(), last.clientId()).encode();
		}
		return new Page<>(items, next);
	}

	/**
	 * Disables a client (issue 14, item 9): from the commit on it authenticates at no
	 * endpoint of any node ({@link #findClient} still finds it, disabled, and the
	 * authorization server refuses it), and {@link ClientDisabled} has the tokens module
	 * revoke its live tokens in this transaction. A client is disabled for good: a new
	 * client is registered instead. A client cannot disable itself, so the admin API
	 * always keeps the admin client that is using it.
	 * @param clientId the client
	 * @param reason why (at most 512 characters), or {@code null}
	 * @param actor the admin client disabling it
	 * @return the client, disabled
	 * @throws ClientNotFoundException when there is no such client
	 * @throws IllegalClientStateException when it is disabled already, or is the actor
	 * @throws InvalidInputException when the reason breaks a rule
	 */
	@Transactional
	public Client disable(String clientId, String reason, String actor) {
		Assert.hasText(actor, "actor cannot be empty");
		if (reason != null && (reason.length() > 512 || reason.chars().anyMatch(Character::isISOControl))) {
			throw new InvalidInputException("reason", "must be at most 512 characters without control characters");
		}
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			throw ClientNotFoundException.client(clientId);
		}
		Client client = this.jdbc.sql(SELECT_CLIENT_FOR_UPDATE)
			.param(clientId)
			.query(ClientRegistry::mapClient)
			.optional()
			.orElseThrow(() -> ClientNotFoundException.client(clientId));
		if (client.disabled()) {
			throw new IllegalClientStateException("Client " + clientId + " is disabled already (since "
					+ client.disabledAt() + "); a disabled client is never enabled again");
		}
		if (client.clientId().equals(actor)) {
			throw new IllegalClientStateException("Client " + clientId + " cannot disable itself: disable it with"
					+ " another admin client, so that one always remains");
		}
		this.jdbc.sql(DISABLE).params(actor, reason, clientId).update();
		forgetAfterCompletion(clientId);
		this.events.publishEvent(new ClientDisabled(clientId, client.kind(), reason, actor));
		return getClient(clientId);
	}

	/**
	 * Replaces the secret of the bootstrap admin client when the configured one changed
	 * (issue 14, item 9): the old secret stops authenticating. Does nothing when the
	 * stored hash is already this secret's.
	 * @param clientId the client ({@code idp-admin}; the database refuses any other)
	 * @param secret the new secret in clear; only its hash is stored
	 * @return {@code true} when the stored hash was replaced
	 */
	@Transactional
	public boolean replaceSecret(String clientId, String secret) {
		Assert.hasText(secret, "secret cannot be empty");
		String hash = ClientSecrets.hash(secret);
		if (this.jdbc.sql(REPLACE_SECRET).params(hash, clientId, hash).update() == 0) {
			return false;
		}
		forgetAfterCompletion(clientId);
		this.events.publishEvent(new ClientSecretReplaced(clientId,
				"IDP_BOOTSTRAP_ADMIN_SECRET changed: the stored secret hash was replaced"));
		return true;
	}

	/**
	 * Forgets a kept client now and again when the transaction ends: a read by another
	 * thread before the commit would otherwise keep the old row.
	 */
	private void forgetAfterCompletion(String clientId) {
		this.foundClients.invalidate(clientId);
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					ClientRegistry.this.foundClients.invalidate(clientId);
				}
			});
		}
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
			jwkJson = StoredDocuments.jwkJson(PublicKeys.readJwk("jwk", members));
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
				rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("disabled_at")));
	}

	private static Instant instant(java.sql.Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/**
	 * A position in the list of clients: base64url of {@code c1:<micros>:<clientId>},
	 * opaque to callers.
	 */
	private record ClientCursor(Instant createdAt, String clientId) {

		/** Before every client: PostgreSQL's timestamps start at 4713 BC. */
		static final ClientCursor FIRST = new ClientCursor(Instant.parse("0001-01-01T00:00:00Z"), "");

		/** The instants a cursor may name: those PostgreSQL can compare with. */
		private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");

		String encode() {
			long micros = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, this.createdAt);
			return java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(
						("c1:" + micros + ":" + this.clientId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}

		static ClientCursor decode(String cursor) {
			if (cursor.length() <= 256) {
				try {
					String[] parts = new String(java.util.Base64.getUrlDecoder().decode(cursor),
							java.nio.charset.StandardCharsets.UTF_8)
						.split(":", 3);
					if (parts.length == 3 && parts[0].equals("c1") && parts[2].matches("[A-Za-z0-9._-]{1,128}")) {
						Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[1]),
								java.time.temporal.ChronoUnit.MICROS);
						if (!createdAt.isBefore(FIRST.createdAt()) && !createdAt.isAfter(LAST)) {
							return new ClientCursor(createdAt, parts[2]);
						}
					}
				}
				catch (RuntimeException ex) {
					// fall through
				}
			}
			throw new InvalidInputException("cursor", "is not a cursor this server issued");
		}

	}

}
