package dev.agentidp.registry;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The agents' versions in PostgreSQL ({@code agent_version}): each change of an agent
 * writes its identity document as it is at the new version, and the versions are read
 * back a page at a time, newest first. Used by {@link Agents}.
 */
final class AgentVersionRows {

	private static final String INSERT_VERSION = """
			INSERT INTO agent_version (agent_id, version, document, actor, created_at)
			VALUES (?, ?, ?::jsonb, ?, ?)""";

	private static final String SELECT_VERSIONS = """
			SELECT version, document::text AS document FROM agent_version
			WHERE agent_id = :id AND version < :before ORDER BY version DESC LIMIT :limit""";

	private final JdbcClient jdbc;

	private static final String SELECT_VERSION = """
			SELECT document::text AS document FROM agent_version WHERE agent_id = ? AND version = ?""";

	AgentVersionRows(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	void insert(Agent agent, String actor, Instant now) {
		this.jdbc.sql(INSERT_VERSION)
			.params(agent.id().value(), agent.version(), StoredDocuments.versionJson(AgentVersion.of(agent, now)),
					actor, Timestamp.from(now))
			.update();
	}

	Optional<AgentVersion> find(AgentId id, long version) {
		return this.jdbc.sql(SELECT_VERSION)
			.params(id.value(), version)
			.query((rs, row) -> StoredDocuments.readVersion(rs.getString("document")))
			.optional();
	}

	Page<AgentVersion> page(AgentId id, String cursor, int limit) {
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

}
