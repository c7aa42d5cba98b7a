package dev.agentidp.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The two statements behind {@link AuditActivity}, both range scans of the index on
 * {@code (occurred_at, chain, seq)} (V2) bounded by the range asked for.
 */
final class AuditActivityQueries {

	private static final String HOURS = """
			SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AS hour,
			       count(*) FILTER (WHERE action = :action AND decision = 'allow') AS counted,
			       count(*) FILTER (WHERE decision = 'deny') AS denials
			FROM audit_record
			WHERE occurred_at >= :from AND occurred_at < :to
			GROUP BY 1""";

	private static final String REASONS = """
			SELECT coalesce(reason, '(none)') AS reason, count(*) AS n
			FROM audit_record
			WHERE occurred_at >= :from AND occurred_at < :to AND decision = 'deny'
			GROUP BY 1
			ORDER BY n DESC, reason
			LIMIT :limit""";

	private final JdbcClient jdbc;

	AuditActivityQueries(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	AuditActivity activity(Instant from, Instant to, String action, int reasons) {
		Instant start = from.truncatedTo(ChronoUnit.HOURS);
		Map<Instant, AuditActivity.Hour> found = new HashMap<>();
		this.jdbc.sql(HOURS)
			.param("action", action)
			.param("from", Timestamp.from(start))
			.param("to", Timestamp.from(to))
			.query((rs, row) -> {
				Instant hour = rs.getTimestamp("hour").toLocalDateTime().toInstant(ZoneOffset.UTC);
				return new AuditActivity.Hour(hour, rs.getLong("counted"), rs.getLong("denials"));
			})
			.list()
			.forEach((hour) -> found.put(hour.start(), hour));
		List<AuditActivity.Hour> hours = new ArrayList<>();
		for (Instant hour = start; hour.isBefore(to); hour = hour.plus(1, ChronoUnit.HOURS)) {
			hours.add(found.getOrDefault(hour, new AuditActivity.Hour(hour, 0, 0)));
		}
		List<AuditActivity.ReasonCount> byReason = this.jdbc.sql(REASONS)
			.param("from", Timestamp.from(start))
			.param("to", Timestamp.from(to))
			.param("limit", reasons)
			.query((rs, row) -> new AuditActivity.ReasonCount(rs.getString("reason"), rs.getLong("n")))
			.list();
		return new AuditActivity(start, to, hours, byReason);
	}

}
