package dev.agentidp.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWK;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The agents' keys in PostgreSQL ({@code agent_key}): the keys of one agent or of a page
 * of agents, the keys usable now (one indexed statement, on the token path), and the keys
 * written with their agent. Used by {@link Agents}.
 */
final class AgentKeyRows {

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

	private static final String UPSERT_KEY = """
			INSERT INTO agent_key (agent_id, kid, jwk, status, created_at, expires_at)
			VALUES (?, ?, ?::jsonb, ?, ?, ?)
			ON CONFLICT (agent_id, kid) DO UPDATE SET status = EXCLUDED.status, expires_at = EXCLUDED.expires_at""";

	private final JdbcClient jdbc;

	AgentKeyRows(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
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

	void save(Agent agent) {
		for (AgentKey key : agent.keys()) {
			this.jdbc.sql(UPSERT_KEY)
				.params(agent.id().value(), key.kid(), StoredDocuments.jwkJson(key.jwk()), key.status().value(),
						Timestamp.from(key.createdAt()),
						(key.expiresAt() != null) ? Timestamp.from(key.expiresAt()) : null)
				.update();
		}
	}

	Agent withKeys(Agent agent) {
		List<AgentKey> keys = this.jdbc.sql(SELECT_KEYS)
			.param(agent.id().value())
			.query((rs, row) -> mapKey(rs))
			.list();
		return agent.withKeys(keys);
	}

	List<Agent> withKeys(List<Agent> agents) {
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

	private static AgentKey mapKey(ResultSet rs) throws SQLException {
		JWK jwk;
		try {
			jwk = JWK.parse(rs.getString("jwk"));
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Stored JWK of agent " + rs.getString("agent_id") + " is unreadable", ex);
		}
		return new AgentKey(rs.getString("kid"), jwk, KeyStatus.from(rs.getString("status")).orElseThrow(),
				Agents.instant(rs, "created_at"), Agents.instant(rs, "expires_at"));
	}

}
