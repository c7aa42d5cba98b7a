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
 * The agents' keys in PostgreSQL ({@code agent_key}): one agent read with its keys, the
 * keys of a page of agents, the keys usable now (one indexed statement, on the token
 * path), and the keys written with their agent. Used by {@link Agents}.
 */
final class AgentKeyRows {

	private static final String KEY_COLUMNS = "agent_id, kid, jwk::text AS jwk, status, created_at, expires_at";

	private static final String SELECT_KEYS_OF = "SELECT " + KEY_COLUMNS
			+ " FROM agent_key WHERE agent_id IN (:ids) ORDER BY created_at, kid";

	private static final String SELECT_USABLE_KEYS = "SELECT " + KEY_COLUMNS + " FROM agent_key WHERE agent_id = ?"
			+ " AND (status = 'active' OR (status = 'retiring' AND expires_at > ?)) ORDER BY created_at, kid";

	private static final String SELECT_USABLE_KEY = "SELECT " + KEY_COLUMNS
			+ " FROM agent_key WHERE agent_id = ? AND kid = ?"
			+ " AND (status = 'active' OR (status = 'retiring' AND expires_at > ?))";

	/**
	 * An agent's row and its keys in one statement (issue 22: one round trip where
	 * reading the row and then its keys took two): {@code %s} is a statement over the
	 * {@code agent} table that answers at most one row of {@link Agents#AGENT_COLUMNS}.
	 * One row per key, oldest first, or one row with no key; the identity document only
	 * on the first, so that an agent with many old keys does not bring its document once
	 * per key.
	 */
	private static final String AGENT_WITH_KEYS = """
			SELECT a.id, a.parent_id, a.status, a.version,
			       CASE WHEN k.ord IS NULL OR k.ord = 1 THEN a.profile END AS profile, a.created_at, a.updated_at,
			       k.key_agent_id, k.key_kid, k.key_jwk, k.key_status, k.key_created_at, k.key_expires_at
			FROM (%s) a
			LEFT JOIN LATERAL (
			    SELECT agent_id AS key_agent_id, kid AS key_kid, jwk::text AS key_jwk, status AS key_status,
			           created_at AS key_created_at, expires_at AS key_expires_at,
			           row_number() OVER (ORDER BY created_at, kid) AS ord
			    FROM agent_key WHERE agent_id = a.id) k ON true
			ORDER BY k.ord""";

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

	/**
	 * Reads one agent with its keys in one statement ({@link #AGENT_WITH_KEYS}).
	 * @param agentStatement the statement that finds the agent's row
	 * @param params its parameters
	 * @return the agent with its keys, or empty when the statement finds no row
	 */
	Optional<Agent> agentWithKeys(String agentStatement, Object... params) {
		return this.jdbc.sql(AGENT_WITH_KEYS.formatted(agentStatement)).params(params).query((ResultSet rs) -> {
			if (!rs.next()) {
				return Optional.<Agent>empty();
			}
			Agent agent = Agents.mapRow(rs, 0);
			List<AgentKey> keys = new ArrayList<>();
			do {
				if (rs.getString("key_kid") != null) {
					keys.add(mapKey(rs, "key_"));
				}
			}
			while (rs.next());
			return Optional.of(agent.withKeys(keys));
		});
	}

	private static AgentKey mapKey(ResultSet rs) throws SQLException {
		return mapKey(rs, "");
	}

	/**
	 * A key from the columns named with a prefix ({@link #KEY_COLUMNS}' names after it).
	 */
	private static AgentKey mapKey(ResultSet rs, String prefix) throws SQLException {
		JWK jwk;
		try {
			jwk = JWK.parse(rs.getString(prefix + "jwk"));
		}
		catch (ParseException ex) {
			throw new IllegalStateException(
					"Stored JWK of agent " + rs.getString(prefix + "agent_id") + " is unreadable", ex);
		}
		return new AgentKey(rs.getString(prefix + "kid"), jwk,
				KeyStatus.from(rs.getString(prefix + "status")).orElseThrow(),
				Agents.instant(rs, prefix + "created_at"), Agents.instant(rs, prefix + "expires_at"));
	}

}
