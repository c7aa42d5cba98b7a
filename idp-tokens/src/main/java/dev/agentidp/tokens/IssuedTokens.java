package dev.agentidp.tokens;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The token store: one row per issued token, keyed by {@code jti}, carrying its grant
 * family (parent and root jti) so that one statement revokes a whole delegation tree.
 * Every statement is a constant; every lookup uses an index.
 */
final class IssuedTokens {

	private static final String INSERT = """
			INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, scopes, audience,
				issued_at, expires_at, agent_id, kid, token_hash, depth, act, cnf_jkt, owner, agent_version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""";

	private static final String COLUMNS = """
			jti, agent_id, client_id, subject, parent_jti, root_jti, task, scopes, audience, issued_at, expires_at,
			revoked_at, depth, act::text AS act, cnf_jkt, owner, kid""";

	private static final String SELECT_BY_JTI = "SELECT " + COLUMNS + ", token_hash FROM issued_token WHERE jti = ?";

	private static final String SELECT_LIVE_BY_AGENT = "SELECT " + COLUMNS
			+ " FROM issued_token WHERE agent_id = ? AND revoked_at IS NULL AND expires_at > ?"
			+ " ORDER BY issued_at DESC, jti LIMIT ?";

	/** The token and every token derived from it, transitively, through parent_jti. */
	private static final String REVOKE_TREE = revokeFrom("jti = ?");

	/** Every live token of the agents, and every token derived from them. */
	private static final String REVOKE_AGENTS = revokeFrom("agent_id = ANY(?) AND revoked_at IS NULL");

	/** Every live token issued to a client that is not an agent. */
	private static final String REVOKE_CLIENT = revokeFrom("client_id = ? AND agent_id IS NULL AND revoked_at IS NULL");

	/** Every live token of a task, and every token derived from them. */
	private static final String REVOKE_TASK = revokeFrom("task = ? AND revoked_at IS NULL");

	private static final String PURGE = "DELETE FROM issued_token WHERE expires_at < ?";

	private final JdbcClient jdbc;

	/**
	 * One statement that revokes the tokens the condition selects and every token derived
	 * from them (through parent_jti, transitively); its parameters are the condition's,
	 * then the revocation time, the reason and the time again (only live tokens count).
	 */
	private static String revokeFrom(String roots) {
		return """
				WITH RECURSIVE tree(jti) AS (
					SELECT jti FROM issued_token WHERE %s
					UNION
					SELECT t.jti FROM issued_token t JOIN tree ON t.parent_jti = tree.jti
				)
				UPDATE issued_token SET revoked_at = ?, revoked_why = ?
				WHERE jti IN (SELECT jti FROM tree) AND revoked_at IS NULL AND expires_at > ?""".formatted(roots);
	}

	IssuedTokens(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	void insert(TokenRecord token, byte[] tokenHash, Long agentVersion) {
		this.jdbc.sql(INSERT)
			.params(token.jti(), token.clientId(), token.subject(), token.parentJti(), token.rootJti(), token.task(),
					token.scopes().toArray(String[]::new), token.audience().toArray(String[]::new),
					Timestamp.from(token.issuedAt()), Timestamp.from(token.expiresAt()), token.agentId(), token.kid(),
					tokenHash, token.depth(), token.actJson(), token.cnfJkt(), token.owner(), agentVersion)
			.update();
	}

	Optional<StoredToken> find(String jti) {
		return this.jdbc.sql(SELECT_BY_JTI)
			.param(jti)
			.query((rs, row) -> new StoredToken(map(rs), rs.getBytes("token_hash")))
			.optional();
	}

	List<TokenRecord> liveTokensOf(UUID agentId, Instant now, int limit) {
		return this.jdbc.sql(SELECT_LIVE_BY_AGENT)
			.params(agentId, Timestamp.from(now), limit)
			.query((rs, row) -> map(rs))
			.list();
	}

	int revokeTree(String jti, String why, Instant now) {
		Timestamp at = Timestamp.from(now);
		return this.jdbc.sql(REVOKE_TREE).params(jti, at, why, at).update();
	}

	int revokeAgents(List<UUID> agentIds, String why, Instant now) {
		Timestamp at = Timestamp.from(now);
		return this.jdbc.sql(REVOKE_AGENTS).params(agentIds.toArray(UUID[]::new), at, why, at).update();
	}

	int revokeClient(String clientId, String why, Instant now) {
		Timestamp at = Timestamp.from(now);
		return this.jdbc.sql(REVOKE_CLIENT).params(clientId, at, why, at).update();
	}

	int revokeTask(String task, String why, Instant now) {
		Timestamp at = Timestamp.from(now);
		return this.jdbc.sql(REVOKE_TASK).params(task, at, why, at).update();
	}

	int purgeExpiredBefore(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

	private static TokenRecord map(ResultSet rs) throws SQLException {
		Timestamp revoked = rs.getTimestamp("revoked_at");
		return new TokenRecord(rs.getString("jti"), rs.getObject("agent_id", UUID.class), rs.getString("client_id"),
				rs.getString("subject"), rs.getString("parent_jti"), rs.getString("root_jti"), rs.getString("task"),
				new LinkedHashSet<>(strings(rs.getArray("scopes"))), strings(rs.getArray("audience")),
				rs.getTimestamp("issued_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
				(revoked != null) ? revoked.toInstant() : null, rs.getInt("depth"), rs.getString("act"),
				rs.getString("cnf_jkt"), rs.getString("owner"), rs.getString("kid"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((String[]) array.getArray()) : List.of();
	}

	/**
	 * A row with the hash of the token as issued.
	 *
	 * @param token the row
	 * @param tokenHash SHA-256 of the token's compact serialization, or {@code null} for
	 * rows written before hashes were kept
	 */
	record StoredToken(TokenRecord token, byte[] tokenHash) {
	}

}
