package dev.agentidp.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Repository;
import org.springframework.util.Assert;

/**
 * The agents, their keys and their versions in PostgreSQL. Hot-path reads (one agent, its
 * usable keys, its ancestors' status) are single indexed statements. A row is read as it
 * is stored ({@link StoredDocuments}): no input rule is applied to it again.
 * <p>
 * This class holds the agent rows (one agent, its chain of ancestors, the holds on
 * issuance, the counts below it); the key rows are {@link AgentKeyRows}, the version rows
 * {@link AgentVersionRows}, and the filtered list {@link AgentListQuery}. It stays a
 * little above 300 lines because a third of it is the statements over the agent table and
 * its chain, kept beside the methods that run them.
 */
@Repository
class Agents {

	static final String AGENT_COLUMNS = "id, parent_id, status, version, profile::text AS profile, created_at, updated_at";

	private static final String SELECT_AGENT = "SELECT " + AGENT_COLUMNS + " FROM agent WHERE id = ?";

	private static final String LOCK_AGENT = SELECT_AGENT + " FOR UPDATE";

	private static final String SELECT_SUB_AGENT = "SELECT " + AGENT_COLUMNS
			+ " FROM agent WHERE parent_id = ? AND name = ?";

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

	/**
	 * V29: the agent's version when it and every ancestor are active, else {@code NULL}
	 * (the rule lives in the function, which the token store calls too).
	 */
	private static final String ACTIVE_VERSION = "SELECT " + AgentRegistry.ACTIVE_VERSION_FUNCTION + "(?)";

	/** V6: a shared hold on the agent for the transaction, and its version if active. */
	private static final String HOLD_FOR_ISSUANCE = "SELECT " + AgentRegistry.HOLD_FOR_ISSUANCE_FUNCTION + "(?)";

	/**
	 * V30: the shared hold, then the state of the agent's chain on a snapshot taken after
	 * it (one round trip for {@link #HOLD_FOR_ISSUANCE} and then
	 * {@link #ACTIVE_VERSION}).
	 */
	private static final String HOLD_FOR_ISSUANCE_WITH_ANCESTORS = "SELECT agent_hold_for_issuance_with_ancestors(?)";

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

	/**
	 * How many direct sub-agents each of many agents has: one statement over the unique
	 * index on {@code (parent_id, name)}.
	 */
	private static final String COUNT_CHILDREN_OF = "SELECT parent_id, count(*) AS n FROM agent"
			+ " WHERE parent_id = ANY(?) GROUP BY parent_id";

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

	/** The keys' rows. */
	private final AgentKeyRows keys;

	/** The versions' rows. */
	private final AgentVersionRows versions;

	/** The filtered, paged list. */
	private final AgentListQuery list;

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
		this.keys = new AgentKeyRows(jdbc);
		this.versions = new AgentVersionRows(jdbc);
		this.list = new AgentListQuery(jdbc, this.keys);
	}

	Optional<Agent> find(AgentId id) {
		return this.keys.agentWithKeys(SELECT_AGENT, id.value());
	}

	Optional<Agent> lock(AgentId id) {
		// FOR UPDATE inside the lateral join's subquery locks the agent's row only, not
		// its keys
		return this.keys.agentWithKeys(LOCK_AGENT, id.value());
	}

	Optional<Agent> findSubAgent(AgentId parentId, String name) {
		return this.keys.agentWithKeys(SELECT_SUB_AGENT, parentId.value(), name);
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
		return versionOrNull(ACTIVE_VERSION, id);
	}

	boolean isActiveWithAncestors(AgentId id) {
		return activeVersion(id).isPresent();
	}

	Optional<Long> holdForIssuance(AgentId id) {
		return versionOrNull(HOLD_FOR_ISSUANCE, id);
	}

	Optional<Long> holdForIssuanceWithAncestors(AgentId id) {
		return versionOrNull(HOLD_FOR_ISSUANCE_WITH_ANCESTORS, id);
	}

	/** A function's one value for an agent: its version, or NULL when not active. */
	private Optional<Long> versionOrNull(String function, AgentId id) {
		// JdbcClient's single() refuses a null row
		List<Long> version = this.jdbc.sql(function)
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

	Map<AgentId, Long> countChildrenOf(Collection<AgentId> parentIds) {
		Map<AgentId, Long> counts = new HashMap<>();
		this.jdbc.sql(COUNT_CHILDREN_OF)
			.param(parentIds.stream().map(AgentId::value).toArray(UUID[]::new))
			.query((rs) -> {
				counts.put(AgentId.of(rs.getObject("parent_id", UUID.class)), rs.getLong("n"));
			});
		return counts;
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
		return this.keys.usableKeys(agentId, now);
	}

	Optional<AgentKey> usableKey(AgentId agentId, String kid, Instant now) {
		return this.keys.usableKey(agentId, kid, now);
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
		this.keys.save(agent);
		this.versions.insert(agent, actor, now);
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
		this.keys.save(agent);
		this.versions.insert(agent, actor, now);
	}

	Optional<AgentVersion> version(AgentId id, long version) {
		return this.versions.find(id, version);
	}

	Page<AgentVersion> versions(AgentId id, String cursor, int limit) {
		return this.versions.page(id, cursor, limit);
	}

	Page<Agent> list(AgentFilter filter, String cursor, int limit) {
		return this.list.list(filter, cursor, limit);
	}

	AgentCounts counts(String owner) {
		return this.list.counts(owner);
	}

	private static String environment(AgentProfile profile) {
		return (profile.environment() != null) ? profile.environment().value() : null;
	}

	private static String profileJson(AgentProfile profile) {
		return StoredDocuments.profileJson(profile);
	}

	static Agent mapRow(ResultSet rs, int row) throws SQLException {
		AgentProfile profile = StoredDocuments.readProfile(rs.getString("profile"));
		return new Agent(AgentId.of(rs.getObject("id", UUID.class)), agentId(rs, "parent_id"), profile,
				AgentStatus.from(rs.getString("status")).orElseThrow(), rs.getLong("version"), List.of(),
				instant(rs, "created_at"), instant(rs, "updated_at"));
	}

	private static AgentId agentId(ResultSet rs, String column) throws SQLException {
		UUID id = rs.getObject(column, UUID.class);
		return (id != null) ? AgentId.of(id) : null;
	}

	private static UUID uuid(AgentId id) {
		return (id != null) ? id.value() : null;
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
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

}
