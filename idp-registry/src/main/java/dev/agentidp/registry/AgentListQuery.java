package dev.agentidp.registry;

import java.sql.Timestamp;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * One page of agents, oldest first, by an {@link AgentFilter}: the statement is built
 * from the filters given (each a bound parameter, a name search with its {@code LIKE}
 * wildcards escaped) with keyset paging on {@code (created_at, id)}. Used by
 * {@link Agents}.
 */
final class AgentListQuery {

	/**
	 * One pass over the index on {@code (status, risk_level)}, or over an owner's rows
	 * through the index on {@code (owner, created_at, id)} (V15): an index-only scan,
	 * never the jsonb profiles.
	 */
	private static final String COUNTS = """
			SELECT status, risk_level, count(*) AS n FROM agent
			WHERE (CAST(:owner AS varchar) IS NULL OR owner = :owner)
			GROUP BY status, risk_level""";

	private final JdbcClient jdbc;

	private final AgentKeyRows keys;

	AgentListQuery(JdbcClient jdbc, AgentKeyRows keys) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(keys, "keys cannot be null");
		this.jdbc = jdbc;
		this.keys = keys;
	}

	AgentCounts counts(String owner) {
		long[] byStatus = new long[AgentStatus.values().length];
		Map<RiskLevel, Long> byRisk = new EnumMap<>(RiskLevel.class);
		this.jdbc.sql(COUNTS).param("owner", owner).query((rs) -> {
			AgentStatus status = AgentStatus.from(rs.getString("status")).orElseThrow();
			long n = rs.getLong("n");
			byStatus[status.ordinal()] += n;
			if (status != AgentStatus.RETIRED) {
				byRisk.merge(RiskLevel.from(rs.getString("risk_level")).orElseThrow(), n, Long::sum);
			}
		});
		return new AgentCounts(byStatus[AgentStatus.ACTIVE.ordinal()], byStatus[AgentStatus.SUSPENDED.ordinal()],
				byStatus[AgentStatus.RETIRED.ordinal()], byRisk);
	}

	Page<Agent> list(AgentFilter filter, String cursor, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + Agents.AGENT_COLUMNS + " FROM agent WHERE true");
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
		if (filter.environment() != null) {
			sql.append(" AND environment = :environment");
			params.put("environment", filter.environment().value());
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
		List<Agent> items = this.keys.withKeys(rows.stream().limit(limit).toList());
		String next = null;
		if (rows.size() > limit) {
			Agent last = items.get(items.size() - 1);
			next = Cursors.encodeAgent(new Cursors.AgentPosition(last.createdAt(), last.id()));
		}
		return new Page<>(items, next);
	}

}
