package dev.agentidp.registry;

import java.util.Optional;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The registry's facade for clients that are not agents: admin clients and resource
 * servers. The single source of truth the authorization server reads clients from.
 * <p>
 * This facade holds the transaction boundaries; clients are read and listed by
 * {@link ClientLookup}, registered and changed by {@link ClientChanges}.
 */
@Service
public class ClientRegistry {

	/** The scopes an admin client may hold (docs/api.md "Contract"). */
	public static final Set<String> ADMIN_SCOPES = Set.of("idp:admin", "idp:audit:read");

	/** Reads, the cache of found clients, paging. */
	private final ClientLookup lookup;

	/** Registration, secrets, disabling. */
	private final ClientChanges changes;

	/**
	 * @param jdbc the database
	 * @param events where {@link ClientRegistered} is published
	 * @param caches where found clients are kept
	 */
	ClientRegistry(JdbcClient jdbc, ApplicationEventPublisher events, RegistryCaches caches) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(caches, "caches cannot be null");
		this.lookup = new ClientLookup(jdbc, caches.foundClients());
		this.changes = new ClientChanges(jdbc, events, this.lookup);
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
		return this.lookup.findClient(clientId);
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
		return this.lookup.getClient(clientId);
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
		return this.lookup.holdForIssuance(clientId);
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
		return this.lookup.list(cursor, limit);
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
		return this.changes.disable(clientId, reason, actor);
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
		return this.changes.replaceSecret(clientId, secret);
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
		return this.changes.registerWithSecret(clientId, name, kind, secret, scopes);
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
		return this.changes.register(name, kind, scopes, publicJwk, actor);
	}

	/**
	 * How many clients of a kind exist.
	 * @param kind the kind
	 * @return the count
	 */
	@Transactional(readOnly = true)
	public long count(ClientKind kind) {
		return this.lookup.count(kind);
	}

}
