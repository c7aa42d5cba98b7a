package dev.agentidp.registry;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWK;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Repository;
import org.springframework.util.Assert;

/**
 * The agents, their keys and their versions in PostgreSQL. Hot-path reads (one agent, its
 * usable keys, its ancestors' status) are single indexed statements. A row is read as it
 * is stored ({@link StoredDocuments}): no input rule is applied to it again.
 */
@Repository
class Agents {

	private static final String AGENT_COLUMNS = "id, parent_id, status, version, profile::text AS profile, created_at, updated_at";

	private static final String SELECT_AGENT = "SELECT " + AGENT_COLUMNS + " FROM agent WHERE id = ?";

	private static final String LOCK_AGENT = SELECT_AGENT + " FOR UPDATE";

	private static final String SELECT_SUB_AGENT = "SELECT " + AGENT_COLUMNS
			+ " FROM agent WHERE parent_id = ? AND name = ?";

	private static final String KEY_COLUMNS = "agent_id, kid, jwk::text AS jwk, status, created_at, expires_at";

	private static final String SELECT_KEYS = "SELECT " + KEY_COLUMNS
			+ " FROM agent_key WHERE agent_id = ? ORDER BY created_at, kid";

	private static final String SELECT_KEYS_OF = "SELECT " + KEY_COLUMNS
			+ " FROM agent_key WHERE agent_id IN (:ids) ORDER BY created_at, kid";

	private static final String SELECT_USABLE_KEYS = "SELECT " + KEY_COLUMNS + " FROM agent_key WHERE agent_id = ?"
			+ " AND (status = 'active' OR (status = 'retiring' AND expires_at > ?)) ORDER BY created_at, kid";

	private static final String SELECT_USABLE_KEY = "SELECT " + KEY_COLUMNS
			+ " FROM agent_key WHERE agent_id = ? AND kid = ?"
			+ " AND (status = 'active' OR (status = 'retiring' AND expires_at > ?))";

	private static final String INSERT_AGENT = """
			INSERT INTO agent (id, parent_id, name, owner, environment, status, risk_level, version, profile,
			                   created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""";

	private static final String INSERT_SUB_AGENT = INSERT_AGENT
			+ " ON CONFLICT (parent_id, name) WHERE parent_id IS NOT NULL DO NOTHING";

	private static final String UPDATE_AGENT = """
			UPDATE agent SET name = ?, owner = ?, environment = ?, status = ?, risk_level = ?, version = ?,
			                 profile = ?::jsonb, updated_at = ?
			WHERE id = ?""";

	private static final String UPSERT_KEY = """
			INSERT INTO agent_key (agent_id, kid, jwk, status, created_at, expires_at)
			VALUES (?, ?, ?::jsonb, ?, ?, ?)
			ON CONFLICT (agent_id, kid) DO UPDATE SET status = EXCLUDED.status, expires_at = EXCLUDED.expires_at""";

	private static final String INSERT_VERSION = """
			INSERT INTO agent_version (agent_id, version, document, actor, created_at)
			VALUES (?, ?, ?::jsonb, ?, ?)""";

	private static final String SELECT_VERSIONS = """
			SELECT version, document::text AS document FROM agent_version
			WHERE agent_id = :id AND version < :before ORDER BY version DESC LIMIT :limit""";

	private static final String NAME_TAKEN = """
			SELECT EXISTS (SELECT 1 FROM agent WHERE owner = ? AND name = ? AND parent_id IS NULL AND id <> ?)""";

	private static final String DESCENDANTS = """
			WITH RECURSIVE below (id, depth) AS (
			    SELECT id, 1 FROM agent WHERE parent_id = ?
			    UNION ALL
			    SELECT a.id, below.depth + 1 FROM agent a JOIN below ON a.parent_id = below.id WHERE below.depth < 64
			)
			SELECT id FROM below ORDER BY depth, id""";

	/**
	 * An agent and its ancestors, nearest first:
	 * {@code chain (id, parent_id, status, depth)}.
	 */
	private static final String CHAIN = """
			WITH RECURSIVE chain (id, parent_id, status, depth) AS (
			    SELECT id, parent_id, status, 1 FROM agent WHERE id = ?
			    UNION ALL
			    SELECT a.id, a.parent_id, a.status, chain.depth + 1 FROM agent a JOIN chain ON a.id = chain.parent_id
			    WHERE chain.depth < 64
			)
			""";

	/** Over {@link #CHAIN}: the agent exists, and it and every ancestor are active. */
	private static final String ALL_ACTIVE = "count(*) > 0 AND count(*) FILTER (WHERE status <> 'active') = 0";

	/**
	 * The agent's version, and whether it and every ancestor are active: one statement.
	 */
	private static final String ACTIVE_VERSION = CHAIN + "SELECT (SELECT version FROM agent WHERE id = ?) AS version, "
			+ ALL_ACTIVE + " AS active FROM chain";

	private static final String CHAIN_ACTIVE = CHAIN + "SELECT " + ALL_ACTIVE + " FROM chain";

	/** V6: a shared hold on the agent for the transaction, and its version if active. */
	private static final String HOLD_FOR_ISSUANCE = "SELECT agent_hold_for_issuance(?)";

	/** V6: the exclusive hold: waits for every issuance holding the agent to end. */
	private static final String STOP_ISSUANCE = "SELECT agent_stop_issuance(?)";

	/** The root above an agent (the agent itself when it is a root). */
	private static final String ROOT_OF = CHAIN + "SELECT id FROM chain WHERE parent_id IS NULL";

	/**
	 * Serialises the derivation of new sub-agents below one root, on every node, until
	 * the transaction ends. An advisory lock rather than the root's row lock: suspend,
	 * retire and PATCH lock agent rows, and token issuance must never wait behind them.
	 */
	private static final String LOCK_DERIVATIONS = "SELECT pg_advisory_xact_lock(hashtextextended('agent-sub-agents:' || ?, 0))";

	private static final String COUNT_CHILDREN = "SELECT count(*) FROM agent WHERE parent_id = ?";

	private static final String COUNT_CHILDREN_SINCE = "SELECT count(*) FROM agent WHERE parent_id = ? AND created_at > ?";

	private static final String COUNT_DESCENDANTS = """
			WITH RECURSIVE below (id, depth) AS (
			    SELECT id, 1 FROM agent WHERE parent_id = ?
			    UNION ALL
			    SELECT a.id, below.depth + 1 FROM agent a JOIN below ON a.parent_id = below.id WHERE below.depth < 64
			)
			SELECT count(*) FROM below""";

	private final JdbcClient jdbc;

	private final Clock clock;

	/**
	 * @param jdbc the database
	 * @param clock the registry's clock: the {@link Clock} bean when there is one (tests
	 * set the time with it, nothing sleeps), else the system clock in UTC, as in the
	 * audit module
	 */
	@Autowired
	Agents(JdbcClient jdbc, ObjectProvider<Clock> clock) {
		this(jdbc, clock.getIfAvailable(Clock::systemUTC));
	}

	Agents(JdbcClient jdbc, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.clock = clock;
	}

	Optional<Agent> find(AgentId id) {
		return this.jdbc.sql(SELECT_AGENT).param(id.value()).query(Agents::mapRow).optional().map(this::withKeys);
	}

	Optional<Agent> lock(AgentId id) {
		return this.jdbc.sql(LOCK_AGENT).param(id.value()).query(Agents::mapRow).optional().map(this::withKeys);
	}

	Optional<Agent> findSubAgent(AgentId parentId, String name) {
		return this.jdbc.sql(SELECT_SUB_AGENT)
			.params(parentId.value(), name)
			.query(Agents::mapRow)
			.optional()
			.map(this::withKeys);
	}

	boolean isNameTaken(String owner, String name, AgentId except) {
		return this.jdbc.sql(NAME_TAKEN)
			.params(owner, name, (except != null) ? except.value() : new UUID(0, 0))
			.query(Boolean.class)
			.single();
	}

	/**
	 * The current version of an agent if it and every ancestor are active.
	 * @param id the agent
	 * @return the version, or empty when unknown or not active
	 */
	Optional<Long> activeVersion(AgentId id) {
		return this.jdbc.sql(ACTIVE_VERSION).params(id.value(), id.value()).query((rs, row) -> {
			long version = rs.getLong("version");
			return (!rs.wasNull() && rs.getBoolean("active")) ? Optional.of(version) : Optional.<Long>empty();
		}).single();
	}

	boolean isActiveWithAncestors(AgentId id) {
		return this.jdbc.sql(CHAIN_ACTIVE).param(id.value()).query(Boolean.class).single();
	}

	Optional<Long> holdForIssuance(AgentId id) {
		// NULL when not active (JdbcClient's single() refuses a null row)
		List<Long> version = this.jdbc.sql(HOLD_FOR_ISSUANCE)
			.param(id.value())
			.query((rs, row) -> rs.getObject(1, Long.class))
			.list();
		return Optional.ofNullable(version.get(0));
	}

	void stopIssuance(AgentId id) {
		this.jdbc.sql(STOP_ISSUANCE).param(id.value()).query((rs, row) -> 0).list();
	}

	List<AgentId> descendants(AgentId id) {
		return this.jdbc.sql(DESCENDANTS).param(id.value()).query(UUID.class).list().stream().map(AgentId::of).toList();
	}

	/**
	 * The root agent above an agent.
	 * @param id the agent
	 * @return the root's id (the agent's own when it is a root)
	 */
	AgentId rootOf(AgentId id) {
		return this.jdbc.sql(ROOT_OF).param(id.value()).query(UUID.class).optional().map(AgentId::of).orElse(id);
	}

	/**
	 * Takes the transaction-scoped lock under which new sub-agents below a root are
	 * counted and inserted.
	 * @param rootId the root
	 */
	void lockDerivations(AgentId rootId) {
		this.jdbc.sql(LOCK_DERIVATIONS).param(rootId.toString()).query((rs, row) -> 1).list();
	}

	long countChildren(AgentId parentId) {
		return this.jdbc.sql(COUNT_CHILDREN).param(parentId.value()).query(Long.class).single();
	}

	long countChildrenSince(AgentId parentId, Instant since) {
		return this.jdbc.sql(COUNT_CHILDREN_SINCE)
			.params(parentId.value(), Timestamp.from(since))
			.query(Long.class)
			.single();
	}

	long countDescendants(AgentId id) {
		return this.jdbc.sql(COUNT_DESCENDANTS).param(id.value()).query(Long.class).single();
	}

	List<AgentKey> usableKeys(AgentId agentId, Instant now) {
		return this.jdbc.sql(SELECT_USABLE_KEYS)
			.params(agentId.value(), Timestamp.from(now))
			.query((rs, row) -> mapKey(rs))
			.list();
	}

	Optional<AgentKey> usableKey(AgentId agentId, String kid, Instant now) {
		return this.jdbc.sql(SELECT_USABLE_KEY)
			.params(agentId.value(), kid, Timestamp.from(now))
			.query((rs, row) -> mapKey(rs))
			.optional();
	}

	/**
	 * Inserts a new agent with its keys and its first version.
	 * @return {@code false} when a sub-agent of that name already exists under its parent
	 */
	boolean insert(Agent agent, String actor, Instant now) {
		AgentProfile profile = agent.profile();
		int rows = this.jdbc.sql(agent.isDerived() ? INSERT_SUB_AGENT : INSERT_AGENT)
			.params(agent.id().value(), uuid(agent.parentId()), profile.name(), profile.owner(), environment(profile),
					agent.status().value(), agent.riskLevel().value(), agent.version(), profileJson(profile),
					Timestamp.from(agent.createdAt()), Timestamp.from(agent.updatedAt()))
			.update();
		if (rows == 0) {
			return false;
		}
		saveKeys(agent);
		insertVersion(agent, actor, now);
		return true;
	}

	/**
	 * Stores the agent's current state and its new version.
	 */
	void save(Agent agent, String actor, Instant now) {
		AgentProfile profile = agent.profile();
		this.jdbc.sql(UPDATE_AGENT)
			.params(profile.name(), profile.owner(), environment(profile), agent.status().value(),
					agent.riskLevel().value(), agent.version(), profileJson(profile), Timestamp.from(agent.updatedAt()),
					agent.id().value())
			.update();
		saveKeys(agent);
		insertVersion(agent, actor, now);
	}

	Page<AgentVersion> versions(AgentId id, String cursor, int limit) {
		long before = (cursor != null) ? Cursors.decodeVersion(cursor) : Long.MAX_VALUE;
		List<Map.Entry<Long, AgentVersion>> rows = this.jdbc.sql(SELECT_VERSIONS)
			.param("id", id.value())
			.param("before", before)
			.param("limit", limit + 1)
			.query((rs, row) -> Map.entry(rs.getLong("version"), StoredDocuments.readVersion(rs.getString("document"))))
			.list();
		List<AgentVersion> items = rows.stream().limit(limit).map(Map.Entry::getValue).toList();
		String next = (rows.size() > limit) ? Cursors.encodeVersion(rows.get(limit - 1).getKey()) : null;
		return new Page<>(items, next);
	}

	Page<Agent> list(AgentFilter filter, String cursor, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + AGENT_COLUMNS + " FROM agent WHERE true");
		Map<String, Object> params = new HashMap<>();
		if (cursor != null) {
			Cursors.AgentPosition position = Cursors.decodeAgent(cursor);
			sql.append(" AND (created_at, id) > (:afterTime, :afterId)");
			params.put("afterTime", Timestamp.from(position.createdAt()));
			params.put("afterId", position.id().value());
		}
		if (filter.owner() != null) {
			sql.append(" AND owner = :owner");
			params.put("owner", filter.owner());
		}
		if (filter.status() != null) {
			sql.append(" AND status = :status");
			params.put("status", filter.status().value());
		}
		if (filter.risk() != null) {
			sql.append(" AND risk_level = :risk");
			params.put("risk", filter.risk().value());
		}
		if (filter.parentId() != null) {
			sql.append(" AND parent_id = :parentId");
			params.put("parentId", filter.parentId().value());
		}
		if (filter.q() != null && !filter.q().isEmpty()) {
			sql.append(" AND name LIKE :q ESCAPE '\\'");
			params.put("q", "%" + filter.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
		}
		sql.append(" ORDER BY created_at, id LIMIT :limit");
		params.put("limit", limit + 1);
		List<Agent> rows = this.jdbc.sql(sql.toString()).params(params).query(Agents::mapRow).list();
		List<Agent> items = withKeys(rows.stream().limit(limit).toList());
		String next = null;
		if (rows.size() > limit) {
			Agent last = items.get(items.size() - 1);
			next = Cursors.encodeAgent(new Cursors.AgentPosition(last.createdAt(), last.id()));
		}
		return new Page<>(items, next);
	}

	private void saveKeys(Agent agent) {
		for (AgentKey key : agent.keys()) {
			this.jdbc.sql(UPSERT_KEY)
				.params(agent.id().value(), key.kid(), StoredDocuments.jwkJson(key.jwk()), key.status().value(),
						Timestamp.from(key.createdAt()),
						(key.expiresAt() != null) ? Timestamp.from(key.expiresAt()) : null)
				.update();
		}
	}

	private void insertVersion(Agent agent, String actor, Instant now) {
		this.jdbc.sql(INSERT_VERSION)
			.params(agent.id().value(), agent.version(), StoredDocuments.versionJson(AgentVersion.of(agent, now)),
					actor, Timestamp.from(now))
			.update();
	}

	private Agent withKeys(Agent agent) {
		List<AgentKey> keys = this.jdbc.sql(SELECT_KEYS)
			.param(agent.id().value())
			.query((rs, row) -> mapKey(rs))
			.list();
		return agent.withKeys(keys);
	}

	private List<Agent> withKeys(List<Agent> agents) {
		if (agents.isEmpty()) {
			return agents;
		}
		Map<AgentId, List<AgentKey>> keys = new LinkedHashMap<>();
		this.jdbc.sql(SELECT_KEYS_OF)
			.param("ids", agents.stream().map((agent) -> agent.id().value()).toList())
			.query((ResultSet rs) -> {
				keys.computeIfAbsent(AgentId.of(rs.getObject("agent_id", UUID.class)), (id) -> new ArrayList<>())
					.add(mapKey(rs));
			});
		return agents.stream().map((agent) -> agent.withKeys(keys.getOrDefault(agent.id(), List.of()))).toList();
	}

	private static String environment(AgentProfile profile) {
		return (profile.environment() != null) ? profile.environment().value() : null;
	}

	private static String profileJson(AgentProfile profile) {
		return StoredDocuments.profileJson(profile);
	}

	private static Agent mapRow(ResultSet rs, int row) throws SQLException {
		AgentProfile profile = StoredDocuments.readProfile(rs.getString("profile"));
		return new Agent(AgentId.of(rs.getObject("id", UUID.class)), agentId(rs, "parent_id"), profile,
				AgentStatus.from(rs.getString("status")).orElseThrow(), rs.getLong("version"), List.of(),
				instant(rs, "created_at"), instant(rs, "updated_at"));
	}

	private static AgentKey mapKey(ResultSet rs) throws SQLException {
		JWK jwk;
		try {
			jwk = JWK.parse(rs.getString("jwk"));
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Stored JWK of agent " + rs.getString("agent_id") + " is unreadable", ex);
		}
		return new AgentKey(rs.getString("kid"), jwk, KeyStatus.from(rs.getString("status")).orElseThrow(),
				instant(rs, "created_at"), instant(rs, "expires_at"));
	}

	private static AgentId agentId(ResultSet rs, String column) throws SQLException {
		UUID id = rs.getObject(column, UUID.class);
		return (id != null) ? AgentId.of(id) : null;
	}

	private static UUID uuid(AgentId id) {
		return (id != null) ? id.value() : null;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/**
	 * The current time as PostgreSQL stores it (microseconds).
	 * @return now
	 */
	Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * Opaque cursors: base64url of a tagged position, so they can change without notice.
	 */
	static final class Cursors {

		private Cursors() {
		}

		record AgentPosition(Instant createdAt, AgentId id) {
		}

		static String encodeAgent(AgentPosition position) {
			long micros = ChronoUnit.MICROS.between(Instant.EPOCH, position.createdAt());
			return encode("a1:" + micros + ":" + position.id());
		}

		static AgentPosition decodeAgent(String cursor) {
			String[] parts = decode(cursor).split(":");
			try {
				if (parts.length == 3 && parts[0].equals("a1")) {
					return new AgentPosition(Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS),
							AgentId.of(parts[2]));
				}
			}
			catch (RuntimeException ex) {
				// fall through
			}
			throw invalid();
		}

		static String encodeVersion(long version) {
			return encode("v1:" + version);
		}

		static long decodeVersion(String cursor) {
			String[] parts = decode(cursor).split(":");
			try {
				if (parts.length == 2 && parts[0].equals("v1")) {
					return Long.parseLong(parts[1]);
				}
			}
			catch (NumberFormatException ex) {
				// fall through
			}
			throw invalid();
		}

		private static String encode(String value) {
			return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
		}

		private static String decode(String cursor) {
			if (cursor.length() > 256) {
				throw invalid();
			}
			try {
				return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				throw invalid();
			}
		}

		private static InvalidInputException invalid() {
			return new InvalidInputException("cursor", "is not a cursor this server issued");
		}

	}

}
