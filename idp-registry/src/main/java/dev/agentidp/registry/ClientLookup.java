package dev.agentidp.registry;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * How clients are read: one by id (kept in memory when read outside a transaction,
 * {@link RegistryCaches#foundClients()}), held for issuance, locked for a change,
 * counted, and listed a page at a time with opaque cursors. It owns the cache of found
 * clients, so a change forgets what it kept ({@link #forgetAfterCompletion}). Runs in the
 * transaction of the {@link ClientRegistry} call that uses it.
 */
final class ClientLookup {

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

	private static final String COUNT_KIND = "SELECT count(*) FROM oauth_client WHERE kind = ?";

	private final JdbcClient jdbc;

	/** Found clients kept in memory ({@link RegistryCaches#foundClients()}). */
	private final Cache<String, Client> foundClients;

	ClientLookup(JdbcClient jdbc, Cache<String, Client> foundClients) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(foundClients, "foundClients cannot be null");
		this.jdbc = jdbc;
		this.foundClients = foundClients;
	}

	/**
	 * Finds a client by id, kept in memory when read outside a transaction
	 * ({@link ClientRegistry#findClient}).
	 */
	Optional<Client> findClient(String clientId) {
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			return Optional.empty();
		}
		Client found = this.foundClients.getIfPresent(clientId);
		if (found != null) {
			return Optional.of(found);
		}
		Optional<Client> client = this.jdbc.sql(SELECT_CLIENT)
			.param(clientId)
			.query(ClientLookup::mapClient)
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
	 * The client with this id, read now ({@link ClientRegistry#getClient}).
	 */
	Client getClient(String clientId) {
		if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
			throw ClientNotFoundException.client(clientId);
		}
		return this.jdbc.sql(SELECT_CLIENT)
			.param(clientId)
			.query(ClientLookup::mapClient)
			.optional()
			.orElseThrow(() -> ClientNotFoundException.client(clientId));
	}

	/**
	 * The client with this id, its row locked until the transaction ends.
	 */
	Client lock(String clientId) {
		return this.jdbc.sql(SELECT_CLIENT_FOR_UPDATE)
			.param(clientId)
			.query(ClientLookup::mapClient)
			.optional()
			.orElseThrow(() -> ClientNotFoundException.client(clientId));
	}

	/**
	 * Holds an enabled client ({@link ClientRegistry#holdForIssuance}).
	 */
	boolean holdForIssuance(String clientId) {
		return this.jdbc.sql(HOLD_ENABLED).param(clientId).query(Integer.class).optional().isPresent();
	}

	/**
	 * One page of clients ({@link ClientRegistry#list}).
	 */
	Page<Client> list(String cursor, int limit) {
		Page.checkLimit(limit);
		ClientCursor after = (cursor != null) ? ClientCursor.decode(cursor) : ClientCursor.FIRST;
		List<Client> rows = this.jdbc.sql(SELECT_PAGE)
			.params(Timestamp.from(after.createdAt()), after.clientId(), limit + 1)
			.query(ClientLookup::mapClient)
			.list();
		List<Client> items = rows.stream().limit(limit).toList();
		String next = null;
		if (rows.size() > limit) {
			Client last = items.get(items.size() - 1);
			next = new ClientCursor(last.createdAt(), last.clientId()).encode();
		}
		return new Page<>(items, next);
	}

	long count(ClientKind kind) {
		return this.jdbc.sql(COUNT_KIND).param(kind.value()).query(Long.class).single();
	}

	/**
	 * Forgets a kept client now and again when the transaction ends: a read by another
	 * thread before the commit would otherwise keep the old row.
	 */
	void forgetAfterCompletion(String clientId) {
		this.foundClients.invalidate(clientId);
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					ClientLookup.this.foundClients.invalidate(clientId);
				}
			});
		}
	}

	private static Client mapClient(ResultSet rs, int row) throws SQLException {
		Array scopes = rs.getArray("scopes");
		return new Client(rs.getString("client_id"), rs.getString("name"), ClientKind.fromValue(rs.getString("kind")),
				rs.getString("secret_hash"), rs.getString("jwk"), Set.of((String[]) scopes.getArray()),
				rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("disabled_at")));
	}

	private static Instant instant(Timestamp timestamp) {
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
			long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.createdAt);
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(("c1:" + micros + ":" + this.clientId).getBytes(StandardCharsets.UTF_8));
		}

		static ClientCursor decode(String cursor) {
			if (cursor.length() <= 256) {
				try {
					String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
						.split(":", 3);
					if (parts.length == 3 && parts[0].equals("c1") && parts[2].matches("[A-Za-z0-9._-]{1,128}")) {
						Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
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
