package dev.agentidp.signals;

import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The outbox table ({@code signal_outbox}, V23): written in the changing transaction,
 * claimed by the delivery worker with {@code FOR UPDATE SKIP LOCKED}.
 */
final class Outbox {

	private static final String INSERT = """
			INSERT INTO signal_outbox (id, event_type, occurred_at, payload) VALUES (?, ?, ?, CAST(? AS jsonb))
			""";

	/**
	 * The oldest undispatched events, locked until the claiming transaction ends; rows
	 * another node holds are skipped, not waited for.
	 */
	private static final String CLAIM = """
			SELECT id, event_type, occurred_at, payload::text AS payload FROM signal_outbox
			WHERE dispatched_at IS NULL ORDER BY occurred_at LIMIT ? FOR UPDATE SKIP LOCKED
			""";

	private static final String DISPATCHED = "UPDATE signal_outbox SET dispatched_at = ? WHERE id = ANY(?)";

	private static final String PURGE = "DELETE FROM signal_outbox WHERE dispatched_at < ?";

	private final JdbcClient jdbc;

	Outbox(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	/**
	 * Writes an event, in the caller's transaction when there is one.
	 * @return the event's id
	 */
	UUID write(SignalType type, Instant occurredAt, Map<String, Object> data) {
		UUID id = UUID.randomUUID();
		this.jdbc.sql(INSERT)
			.params(id, type.value(), Timestamp.from(occurredAt), JSONObjectUtils.toJSONString(data))
			.update();
		return id;
	}

	/** Claims undispatched events; call in a transaction, which holds them. */
	List<Event> claim(int limit) {
		return this.jdbc.sql(CLAIM).param(limit).query((rs, row) -> {
			Map<String, Object> data;
			try {
				data = JSONObjectUtils.parse(rs.getString("payload"));
			}
			catch (ParseException ex) {
				throw new IllegalStateException("An outbox row does not hold a JSON object", ex);
			}
			return new Event(rs.getObject("id", UUID.class),
					SignalType.fromValue(rs.getString("event_type")).orElseThrow(),
					rs.getTimestamp("occurred_at").toInstant(), data);
		}).list();
	}

	void dispatched(List<UUID> ids, Instant now) {
		this.jdbc.sql(DISPATCHED).params(Timestamp.from(now), ids.toArray(UUID[]::new)).update();
	}

	int purgeDispatchedBefore(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

	/**
	 * An event as the outbox holds it.
	 *
	 * @param id its unique id (the {@code id} of every delivery of it)
	 * @param type its type
	 * @param occurredAt when the change committed (the transaction's time)
	 * @param data what the change was
	 */
	record Event(UUID id, SignalType type, Instant occurredAt, Map<String, Object> data) {

		String text(String member) {
			Object value = this.data.get(member);
			return (value != null) ? value.toString() : null;
		}

		@SuppressWarnings("unchecked")
		List<String> texts(String member) {
			Object value = this.data.get(member);
			return (value instanceof List<?> list) ? ((List<Object>) list).stream().map(String::valueOf).toList()
					: List.of();
		}

	}

}
