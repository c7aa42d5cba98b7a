package dev.agentidp.registry;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

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

	private final JdbcClient jdbc;

	public ClientRegistry(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
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
		return client;
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
