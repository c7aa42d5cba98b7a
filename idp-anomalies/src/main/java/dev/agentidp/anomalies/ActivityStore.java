package dev.agentidp.anomalies;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import dev.agentidp.anomalies.AnomalyCounts.Batch;
import dev.agentidp.anomalies.AnomalyCounts.HourKey;
import dev.agentidp.anomalies.AnomalyCounts.MinuteCounts;
import dev.agentidp.anomalies.AnomalyCounts.MinuteKey;
import dev.agentidp.anomalies.AnomalyCounts.SeenKey;
import dev.agentidp.anomalies.AnomalyCounts.TargetKey;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The counts in PostgreSQL (V21), shared by every node: a flush adds one batch's counts
 * with one batched upsert per table, keys sorted so that two nodes flushing the same rows
 * lock them in the same order; the rules read windows and baselines from them.
 */
final class ActivityStore {

	private static final String ADD_HOUR = """
			INSERT INTO agent_activity AS a (agent_id, hour, kind, resource, action, code, calls)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (agent_id, hour, kind, resource, action, code) DO UPDATE SET calls = a.calls + EXCLUDED.calls""";

	private static final String ADD_TARGET = """
			INSERT INTO agent_activity_target (agent_id, hour, resource, target) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING""";

	private static final String ADD_MINUTE = """
			INSERT INTO agent_activity_minute AS m (agent_id, minute, calls, denied, sub_agents) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (agent_id, minute) DO UPDATE
			   SET calls = m.calls + EXCLUDED.calls, denied = m.denied + EXCLUDED.denied,
			       sub_agents = m.sub_agents + EXCLUDED.sub_agents""";

	/** One statement for the batch; answers the resources no node had seen before. */
	private static final String ADD_SEEN = """
			INSERT INTO agent_resource_seen (agent_id, kind, resource, first_seen)
			SELECT * FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::timestamptz[])
			ON CONFLICT DO NOTHING
			RETURNING agent_id, kind, resource, first_seen""";

	private static final String WINDOW = """
			SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(denied), 0) AS denied,
			       coalesce(sum(sub_agents), 0) AS sub_agents
			  FROM agent_activity_minute WHERE agent_id = ? AND minute >= ? AND minute <= ?""";

	private static final String BASELINE = """
			SELECT coalesce(sum(calls), 0) FROM agent_activity
			 WHERE agent_id = ? AND hour >= ? AND hour < ? AND kind IN (%s)""";

	private static final String PURGE_MINUTES = "DELETE FROM agent_activity_minute WHERE minute < ?";

	private static final String PURGE_HOURS = "DELETE FROM agent_activity WHERE hour < ?";

	private static final String PURGE_TARGETS = "DELETE FROM agent_activity_target WHERE hour < ?";

	private final JdbcTemplate jdbcTemplate;

	private final JdbcClient jdbc;

	ActivityStore(JdbcTemplate jdbcTemplate) {
		Assert.notNull(jdbcTemplate, "jdbcTemplate cannot be null");
		this.jdbcTemplate = jdbcTemplate;
		this.jdbc = JdbcClient.create(jdbcTemplate);
	}

	/**
	 * Adds a batch's counts.
	 * @param batch the counts
	 * @return the resources first allowed in this batch that no node had seen allowed
	 * before
	 */
	List<Seen> add(Batch batch) {
		List<Map.Entry<HourKey, LongAdder>> hours = new ArrayList<>(batch.hours.entrySet());
		hours.sort(Map.Entry.comparingByKey(Comparator.comparing(HourKey::agent)
			.thenComparing(HourKey::hour)
			.thenComparing(HourKey::kind)
			.thenComparing(HourKey::resource)
			.thenComparing(HourKey::action)
			.thenComparing(HourKey::code)));
		this.jdbcTemplate.batchUpdate(ADD_HOUR, hours, 500, (statement, entry) -> {
			HourKey key = entry.getKey();
			statement.setObject(1, key.agent());
			statement.setTimestamp(2, Timestamp.from(key.hour()));
			statement.setString(3, key.kind());
			statement.setString(4, key.resource());
			statement.setString(5, key.action());
			statement.setString(6, key.code());
			statement.setLong(7, entry.getValue().sum());
		});
		List<TargetKey> targets = new ArrayList<>(batch.targets);
		targets.sort(Comparator.comparing(TargetKey::agent)
			.thenComparing(TargetKey::hour)
			.thenComparing(TargetKey::resource)
			.thenComparing(TargetKey::target));
		this.jdbcTemplate.batchUpdate(ADD_TARGET, targets, 500, (statement, key) -> {
			statement.setObject(1, key.agent());
			statement.setTimestamp(2, Timestamp.from(key.hour()));
			statement.setString(3, key.resource());
			statement.setString(4, key.target());
		});
		List<Map.Entry<MinuteKey, MinuteCounts>> minutes = new ArrayList<>(batch.minutes.entrySet());
		minutes.sort(Map.Entry.comparingByKey(Comparator.comparing(MinuteKey::agent).thenComparing(MinuteKey::minute)));
		this.jdbcTemplate.batchUpdate(ADD_MINUTE, minutes, 500, (statement, entry) -> {
			statement.setObject(1, entry.getKey().agent());
			statement.setTimestamp(2, Timestamp.from(entry.getKey().minute()));
			statement.setLong(3, entry.getValue().calls.sum());
			statement.setLong(4, entry.getValue().denied.sum());
			statement.setLong(5, entry.getValue().subAgents.sum());
		});
		return addSeen(batch.seen);
	}

	private List<Seen> addSeen(Map<SeenKey, Instant> seen) {
		if (seen.isEmpty()) {
			return List.of();
		}
		List<Map.Entry<SeenKey, Instant>> entries = new ArrayList<>(seen.entrySet());
		entries.sort(Map.Entry.comparingByKey(
				Comparator.comparing(SeenKey::agent).thenComparing(SeenKey::kind).thenComparing(SeenKey::resource)));
		return this.jdbcTemplate.execute((java.sql.Connection connection) -> {
			Array agents = connection.createArrayOf("uuid", entries.stream().map((e) -> e.getKey().agent()).toArray());
			Array kinds = connection.createArrayOf("varchar", entries.stream().map((e) -> e.getKey().kind()).toArray());
			Array resources = connection.createArrayOf("varchar",
					entries.stream().map((e) -> e.getKey().resource()).toArray());
			Array times = connection.createArrayOf("timestamptz",
					entries.stream().map((e) -> Timestamp.from(e.getValue())).toArray());
			try (var statement = connection.prepareStatement(ADD_SEEN)) {
				statement.setArray(1, agents);
				statement.setArray(2, kinds);
				statement.setArray(3, resources);
				statement.setArray(4, times);
				List<Seen> inserted = new ArrayList<>();
				try (var rows = statement.executeQuery()) {
					while (rows.next()) {
						inserted.add(new Seen(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3),
								rows.getTimestamp(4).toInstant()));
					}
				}
				return inserted;
			}
		});
	}

	/**
	 * The counts of an agent's minutes from {@code from} to {@code to}, both included.
	 * @param agent the agent
	 * @param from the first minute
	 * @param to the last minute
	 * @return the counts
	 */
	Window window(UUID agent, Instant from, Instant to) {
		return this.jdbc.sql(WINDOW)
			.params(agent, Timestamp.from(from), Timestamp.from(to))
			.query((rows, n) -> new Window(rows.getLong("calls"), rows.getLong("denied"), rows.getLong("sub_agents")))
			.single();
	}

	/**
	 * An agent's count of some kinds in whole hours.
	 * @param agent the agent
	 * @param from the first hour
	 * @param to the end (excluded)
	 * @param kinds the kinds
	 * @return the count
	 */
	long hours(UUID agent, Instant from, Instant to, List<String> kinds) {
		String placeholders = String.join(", ", kinds.stream().map((kind) -> "?").toList());
		List<Object> params = new ArrayList<>(List.of(agent, Timestamp.from(from), Timestamp.from(to)));
		params.addAll(kinds);
		return this.jdbc.sql(BASELINE.formatted(placeholders)).params(params).query(Long.class).single();
	}

	/**
	 * Deletes what no window reads any more.
	 * @param now the time
	 * @param keepHours how long hourly counts are kept
	 */
	void purge(Instant now, Duration keepHours) {
		Timestamp hours = Timestamp.from(now.minus(keepHours));
		this.jdbc.sql(PURGE_MINUTES).param(Timestamp.from(now.minus(Duration.ofHours(2)))).update();
		this.jdbc.sql(PURGE_HOURS).param(hours).update();
		this.jdbc.sql(PURGE_TARGETS).param(hours).update();
	}

	/** A resource first allowed. */
	record Seen(UUID agent, String kind, String resource, Instant firstSeen) {
	}

	/** Counts of minutes. */
	record Window(long calls, long denied, long subAgents) {
	}

}
