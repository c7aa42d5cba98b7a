package dev.agentidp.tokens;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The token store: one row per issued token, keyed by {@code jti}, carrying its grant
 * family (parent and root jti) so that one statement revokes a whole delegation tree.
 * Every statement is a constant; every lookup uses an index. The table is partitioned by
 * expiry day (V25, docs/scaling.md "Partitioning"): a lookup that knows the token's
 * expiry names it too, so that PostgreSQL reads one partition (PostgreSQL docs, 5.11.4
 * "Partition Pruning"); one by {@code jti} alone probes each partition's index, and there
 * are only a few ({@link TokenPartitions}).
 */
final class IssuedTokens {

	private static final String INSERT = """
			INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, scopes, audience,
				issued_at, expires_at, agent_id, kid, token_hash, depth, act, cnf_jkt, owner, agent_version, client_kid)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)""";

	/**
	 * The row written, then its agent held for issuance in the same statement
	 * ({@link AgentRegistry#HOLD_FOR_ISSUANCE_FUNCTION}): one round trip for the two. The
	 * row is visible to no other transaction before the commit, and the hold lasts until
	 * then, so a suspension still waits for this transaction and its revocation sees the
	 * row; the version answered is compared by the caller, which rolls the row back when
	 * it is not the one the token was decided on.
	 */
	private static final String INSERT_HELD = INSERT + " RETURNING " + AgentRegistry.HOLD_FOR_ISSUANCE_FUNCTION
			+ "(agent_id)";

	private static final String COLUMNS = """
			jti, agent_id, client_id, subject, parent_jti, root_jti, task, scopes, audience, issued_at, expires_at,
			revoked_at, depth, act::text AS act, cnf_jkt, owner, kid""";

	private static final String SELECT_BY_JTI = "SELECT " + COLUMNS + ", token_hash FROM issued_token WHERE jti = ?";

	/**
	 * The row of a token whose expiry is known: one partition read.
	 * <p>
	 * Every comparison of {@code expires_at} with a parameter in this class is written
	 * {@code (SELECT ?::timestamptz)}, not {@code ?}: with a bare parameter PostgreSQL 15
	 * prunes partitions while planning, so the plan cache keeps making a custom plan for
	 * each execution (its generic plan, which cannot prune, looks dearer), and planning
	 * took 0.1 to 0.5 ms where the lookup takes 0.01 ms. An initplan's value is not known
	 * while planning, so the one generic plan is cached, and the executor prunes at
	 * startup instead (PostgreSQL docs, 5.11.4 "Partition Pruning": pruning during
	 * execution).
	 * <p>
	 * The agent's state is read in the same statement, by the registry's rule
	 * ({@link AgentRegistry#ACTIVE_VERSION_FUNCTION}): its version when it and every
	 * ancestor are active, else {@code NULL}. Introspection and the policy decision point
	 * need both, and this saves their second round trip. A revoked token is never active
	 * again, so its agent is not read.
	 */
	static final String SELECT_BY_KEY = "SELECT " + COLUMNS + ", token_hash, CASE WHEN revoked_at IS NULL THEN "
			+ AgentRegistry.ACTIVE_VERSION_FUNCTION + "(agent_id) END AS agent_active_version"
			+ " FROM issued_token WHERE jti = ? AND expires_at = (SELECT ?::timestamptz)";

	private static final String SELECT_LIVE_BY_AGENT = "SELECT " + COLUMNS
			+ " FROM issued_token WHERE agent_id = ? AND revoked_at IS NULL AND expires_at > (SELECT ?::timestamptz)"
			+ " ORDER BY issued_at DESC, jti LIMIT ?";

	/** The token and every token derived from it, transitively, through parent_jti. */
	static final String REVOKE_TREE = revokeFrom("jti = ?");

	/** Every live token of the agents, and every token derived from them. */
	private static final String REVOKE_AGENTS = revokeFrom("agent_id = ANY(?) AND revoked_at IS NULL");

	/**
	 * Every live token of the agents carrying one of the scopes, and every token derived
	 * from them (issue 14, item 7: a capability removed).
	 */
	private static final String REVOKE_AGENTS_CARRYING = revokeFrom(
			"agent_id = ANY(?) AND scopes && CAST(? AS text[]) AND revoked_at IS NULL");

	/** Every live token issued to a client that is not an agent. */
	private static final String REVOKE_CLIENT = revokeFrom("client_id = ? AND agent_id IS NULL AND revoked_at IS NULL");

	/** Every live token of a task, and every token derived from them. */
	private static final String REVOKE_TASK = revokeFrom("task = ? AND revoked_at IS NULL");

	/**
	 * Every live token a client obtained by authenticating with one of its keys, and
	 * every token derived from them (issue 14, item 18).
	 */
	private static final String REVOKE_CLIENT_KEY = revokeFrom(
			"client_id = ? AND client_kid = ? AND revoked_at IS NULL");

	/**
	 * Every token derived from the tokens named, transitively: a revocation's next pass.
	 */
	private static final String REVOKE_BELOW = revokeFrom("parent_jti = ANY(?)");

	/**
	 * A live token, locked against revocation until the transaction ends (FOR SHARE:
	 * derivations do not block each other; a revocation waits for them, and they for it).
	 */
	static final String HOLD_LIVE = "SELECT 1 FROM issued_token"
			+ " WHERE jti = ? AND expires_at = (SELECT ?::timestamptz) AND revoked_at IS NULL AND expires_at > (SELECT ?::timestamptz) FOR SHARE";

	/**
	 * Bound on a revocation's passes (each reaches one generation of tokens derived while
	 * the previous pass ran; delegation depth is at most 10).
	 */
	private static final int MAX_REVOKE_PASSES = 64;

	/**
	 * For each agent of one inventory page, in one statement: its last token issued (the
	 * index on {@code (agent_id, issued_at)}, V18, read backwards once) and how many are
	 * live (the partial index on live tokens).
	 */
	private static final String ACTIVITY = """
			SELECT a.id AS agent_id,
				(SELECT max(t.issued_at) FROM issued_token t WHERE t.agent_id = a.id) AS last_issued_at,
				(SELECT count(*) FROM issued_token t
				 WHERE t.agent_id = a.id AND t.revoked_at IS NULL AND t.expires_at > (SELECT ?::timestamptz)) AS live
			FROM unnest(?::uuid[]) AS a(id)""";

	/**
	 * The live tokens of a task, newest first (the partial index on live task tokens).
	 */
	private static final String SELECT_LIVE_BY_TASK = "SELECT " + COLUMNS
			+ " FROM issued_token WHERE task = ? AND revoked_at IS NULL AND expires_at > (SELECT ?::timestamptz)"
			+ " ORDER BY issued_at DESC, jti LIMIT ?";

	/**
	 * How many live tokens derive from a token, transitively through parent_jti (the
	 * index on parent_jti): what revoking it revokes besides itself.
	 */
	static final String COUNT_LIVE_DERIVED = """
			WITH RECURSIVE tree(jti, depth) AS (
				SELECT jti, 0 FROM issued_token WHERE parent_jti = ?
				UNION
				SELECT t.jti, tree.depth + 1 FROM issued_token t JOIN tree ON t.parent_jti = tree.jti
				WHERE tree.depth < 64
			)
			SELECT count(*) FROM issued_token
			WHERE jti = ANY (ARRAY(SELECT jti FROM tree)) AND revoked_at IS NULL AND expires_at > (SELECT ?::timestamptz)""";

	/**
	 * The days wholly expired before the cutoff, dropped partition by partition with
	 * their carves (V25); answers how many rows went.
	 */
	private static final String PURGE = "SELECT issued_token_drop_partitions_before(?)";

	/** The partitions of the days from one date to another, made when missing (V25). */
	private static final String ENSURE_PARTITIONS = "SELECT issued_token_ensure_partitions(?, ?)";

	private final JdbcClient jdbc;

	/**
	 * One statement that revokes the tokens the condition selects and every token derived
	 * from them (through parent_jti, transitively); its parameters are the condition's,
	 * then the revocation time, the reason and the time again (only live tokens count).
	 * The tree's jtis are gathered into an array first ({@code jti = ANY (ARRAY(...))}),
	 * so that its rows are found by their key: with {@code jti IN (SELECT jti FROM tree)}
	 * PostgreSQL could not estimate the recursive tree and hashed every live token
	 * instead (about 850 buffers and 6 ms per revocation with 6,000 live tokens, growing
	 * with them; {@code TokenStorePlanTests}).
	 */
	private static String revokeFrom(String roots) {
		return """
				WITH RECURSIVE tree(jti) AS (
					SELECT jti FROM issued_token WHERE %s
					UNION
					SELECT t.jti FROM issued_token t JOIN tree ON t.parent_jti = tree.jti
				)
				UPDATE issued_token SET revoked_at = ?, revoked_why = ?
				WHERE jti = ANY (ARRAY(SELECT jti FROM tree)) AND revoked_at IS NULL AND expires_at > (SELECT ?::timestamptz)
				RETURNING jti"""
			.formatted(roots);
	}

	IssuedTokens(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	void insert(TokenRecord token, byte[] tokenHash, Long agentVersion, String clientKid) {
		insertStatement(INSERT, token, tokenHash, agentVersion, clientKid).update();
	}

	/**
	 * Writes an agent's token row and holds the agent ({@link #INSERT_HELD}).
	 * @return the agent's version the hold answered, or {@code null} when it is not
	 * active
	 */
	Long insertHeld(TokenRecord token, byte[] tokenHash, Long agentVersion, String clientKid) {
		Assert.notNull(token.holder().agentId(), "only an agent's token holds its agent");
		return insertStatement(INSERT_HELD, token, tokenHash, agentVersion, clientKid)
			.query((rs, row) -> rs.getObject(1, Long.class))
			.list()
			.get(0);
	}

	private JdbcClient.StatementSpec insertStatement(String sql, TokenRecord token, byte[] tokenHash, Long agentVersion,
			String clientKid) {
		TokenRecord.Holder holder = token.holder();
		TokenRecord.Family family = token.family();
		return this.jdbc.sql(sql)
			.params(token.jti().value(), holder.clientId(), holder.subject(), text(family.parentJti()),
					family.rootJti().value(), token.task(), token.scopes().toArray(String[]::new),
					token.audience().toArray(String[]::new), timestamptz(token.lifetime().issuedAt()),
					timestamptz(token.lifetime().expiresAt()), uuid(holder.agentId()), token.kid(), tokenHash,
					family.depth(), family.actJson(), token.cnfJkt(), holder.owner(), agentVersion, clientKid);
	}

	Optional<StoredToken> find(Jti jti) {
		return this.jdbc.sql(SELECT_BY_JTI).param(jti.value()).query(IssuedTokens::stored).optional();
	}

	/**
	 * The row of a token by its key: its {@code jti} and its expiry, as stored (whole
	 * seconds, {@link AccessTokenMinter}), so that one partition is read.
	 */
	Optional<StoredToken> find(Jti jti, Instant expiresAt) {
		return this.jdbc.sql(SELECT_BY_KEY)
			.params(jti.value(), timestamptz(expiresAt))
			.query((rs, row) -> new StoredToken(map(rs), rs.getBytes("token_hash"), true,
					rs.getObject("agent_active_version", Long.class)))
			.optional();
	}

	List<TokenRecord> liveTokensOf(AgentId agentId, Instant now, int limit) {
		return this.jdbc.sql(SELECT_LIVE_BY_AGENT)
			.params(agentId.value(), timestamptz(now), limit)
			.query((rs, row) -> map(rs))
			.list();
	}

	Map<AgentId, TokenActivity> activityOf(Collection<AgentId> agentIds, Instant now) {
		Map<AgentId, TokenActivity> activity = new HashMap<>();
		this.jdbc.sql(ACTIVITY)
			.params(timestamptz(now), agentIds.stream().map(AgentId::value).toArray(UUID[]::new))
			.query((rs) -> {
				Timestamp last = rs.getTimestamp("last_issued_at");
				activity.put(AgentId.of(rs.getObject("agent_id", UUID.class)),
						new TokenActivity((last != null) ? last.toInstant() : null, rs.getLong("live")));
			});
		return activity;
	}

	List<TokenRecord> liveTokensOfTask(String task, Instant now, int limit) {
		return this.jdbc.sql(SELECT_LIVE_BY_TASK)
			.params(task, timestamptz(now), limit)
			.query((rs, row) -> map(rs))
			.list();
	}

	long countLiveDerived(Jti jti, Instant now) {
		return this.jdbc.sql(COUNT_LIVE_DERIVED).params(jti.value(), timestamptz(now)).query(Long.class).single();
	}

	List<String> revokeTree(Jti jti, String why, Instant now) {
		return revokeClosed(REVOKE_TREE, List.<Object>of(jti.value()), why, now);
	}

	List<String> revokeAgents(List<AgentId> agentIds, String why, Instant now) {
		return revokeClosed(REVOKE_AGENTS, List.<Object>of((Object) uuids(agentIds)), why, now);
	}

	List<String> revokeAgentsCarrying(List<AgentId> agentIds, List<String> scopes, String why, Instant now) {
		return revokeClosed(REVOKE_AGENTS_CARRYING, List.<Object>of(uuids(agentIds), scopes.toArray(String[]::new)),
				why, now);
	}

	List<String> revokeClient(String clientId, String why, Instant now) {
		return revokeClosed(REVOKE_CLIENT, List.<Object>of(clientId), why, now);
	}

	List<String> revokeTask(String task, String why, Instant now) {
		return revokeClosed(REVOKE_TASK, List.<Object>of(task), why, now);
	}

	List<String> revokeObtainedWithKey(String clientId, String kid, String why, Instant now) {
		return revokeClosed(REVOKE_CLIENT_KEY, List.<Object>of(clientId, kid), why, now);
	}

	/**
	 * Whether a token is live, holding it so until the caller's transaction ends: a
	 * concurrent revocation of it waits for the transaction, and the derivation the
	 * caller writes in it is then seen by that revocation's next pass.
	 */
	boolean holdLive(Jti jti, Instant expiresAt, Instant now) {
		return this.jdbc.sql(HOLD_LIVE)
			.params(jti.value(), timestamptz(expiresAt), timestamptz(now))
			.query((rs, row) -> 1)
			.optional()
			.isPresent();
	}

	/**
	 * Revokes what a statement selects, then, pass after pass, every token derived from
	 * what the last pass revoked, until a pass finds none (issue 14, item 6). One
	 * statement is not enough: it reads the tree as of its start, and a token derived
	 * from a row it revokes may commit while it waits for that row's lock (a derivation
	 * {@link #holdLive holds} its subject). Each pass is a new statement, so in READ
	 * COMMITTED it sees what committed before it began; every derivation it could miss
	 * committed before the previous pass took its locks, and every later one waits for
	 * this transaction and then finds its subject revoked.
	 */
	private List<String> revokeClosed(String first, List<Object> roots, String why, Instant now) {
		SqlParameterValue at = timestamptz(now);
		List<Object> parameters = new ArrayList<>(roots);
		parameters.addAll(List.of(at, why, at));
		List<String> revoked = this.jdbc.sql(first).params(parameters).query(String.class).list();
		// the jtis each pass returns anyway: the revoked tokens, named in TokensRevoked
		// for the outbound signals (CAEP session-revoked), at no extra statement
		List<String> all = new ArrayList<>(revoked);
		for (int pass = 1; !revoked.isEmpty(); pass++) {
			Assert.state(pass < MAX_REVOKE_PASSES, "a revocation did not close after " + pass + " passes");
			revoked = this.jdbc.sql(REVOKE_BELOW)
				.params(revoked.toArray(String[]::new), at, why, at)
				.query(String.class)
				.list();
			all.addAll(revoked);
		}
		return all;
	}

	/**
	 * Drops every day of the store that lies wholly before the cutoff: a token expired
	 * before it is kept until its whole day has, at most a day longer.
	 * @return how many rows went
	 */
	long purgeExpiredBefore(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(timestamptz(cutoff)).query(Long.class).single();
	}

	/**
	 * Makes the partitions of the days from one date to another (UTC), those missing.
	 * @return how many were made
	 */
	int ensurePartitions(LocalDate from, LocalDate to) {
		return this.jdbc.sql(ENSURE_PARTITIONS).params(from, to).query(Integer.class).single();
	}

	private static StoredToken stored(ResultSet rs, int row) throws SQLException {
		return new StoredToken(map(rs), rs.getBytes("token_hash"), false, null);
	}

	private static TokenRecord map(ResultSet rs) throws SQLException {
		Timestamp revoked = rs.getTimestamp("revoked_at");
		UUID agentId = rs.getObject("agent_id", UUID.class);
		String parentJti = rs.getString("parent_jti");
		return new TokenRecord(Jti.of(rs.getString("jti")),
				new TokenRecord.Holder((agentId != null) ? AgentId.of(agentId) : null, rs.getString("subject"),
						rs.getString("client_id"), rs.getString("owner")),
				new LinkedHashSet<>(strings(rs.getArray("scopes"))), strings(rs.getArray("audience")),
				rs.getString("task"),
				new TokenRecord.Family((parentJti != null) ? Jti.of(parentJti) : null, Jti.of(rs.getString("root_jti")),
						rs.getInt("depth"), rs.getString("act")),
				new TokenRecord.Lifetime(rs.getTimestamp("issued_at").toInstant(),
						rs.getTimestamp("expires_at").toInstant(), (revoked != null) ? revoked.toInstant() : null),
				rs.getString("cnf_jkt"), rs.getString("kid"));
	}

	private static String text(Jti jti) {
		return (jti != null) ? jti.value() : null;
	}

	private static UUID uuid(AgentId id) {
		return (id != null) ? id.value() : null;
	}

	private static UUID[] uuids(List<AgentId> ids) {
		return ids.stream().map(AgentId::value).toArray(UUID[]::new);
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((String[]) array.getArray()) : List.of();
	}

	/**
	 * A row with the hash of the token as issued.
	 * @param token the row
	 * @param tokenHash SHA-256 of the token's compact serialization, or {@code null} for
	 * rows written before hashes were kept
	 */
	/**
	 * A token's row.
	 *
	 * @param token the row
	 * @param tokenHash the SHA-256 of the token as signed
	 * @param agentRead whether the agent's state was read with the row
	 * @param agentActiveVersion then, the agent's version when it and every ancestor were
	 * active, else {@code null}
	 */
	record StoredToken(TokenRecord token, byte[] tokenHash, boolean agentRead, Long agentActiveVersion) {
	}

	/**
	 * An instant bound as {@code timestamptz}. A {@code java.sql.Timestamp} is bound with
	 * no type, so pgjdbc asks the server to describe the statement; it then sends a
	 * {@code Sync} and waits for its answer before every execution of a described
	 * statement whose rows have an unbounded column: one more round trip per token read
	 * (DatabaseRoundTripsTests, issue 22).
	 */
	static SqlParameterValue timestamptz(Instant instant) {
		return new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
	}

}
