package dev.agentidp.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.agentidp.db.test.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * V25 and V26 (issue 22, item 3) partition {@code issued_token} by expiry day and
 * {@code audit_record} by month, keeping every row written before them; the functions
 * they leave make partitions ahead, drop the token store's expired days with their
 * carves, and keep the trail append-only on every partition.
 */
class PartitioningMigrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	@Test
	void migrationWhenTokensCarvesAndRecordsWrittenBeforeItThenEveryRowIsKeptInItsPartitionAndFound()
			throws SQLException {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		flyway(schema, "24").migrate();
		Instant live = NOW.plus(10, ChronoUnit.MINUTES);
		Instant old = NOW.minus(5, ChronoUnit.DAYS);
		Instant recorded = NOW.minus(62, ChronoUnit.DAYS);
		try (Connection c = schema.connect()) {
			insertToken(c, "jti-live", live);
			insertToken(c, "jti-old", old);
			update(c, "INSERT INTO budget_carve (jti, parent_jti, root_agent_id, ledger_key, unit, limit_amount)"
					+ " VALUES ('jti-live', 'p', gen_random_uuid(), 'k', 'usd', 5)");
			insertRecord(c, 1, recorded);
			insertRecord(c, 2, NOW);
		}

		// V25 and V26, then whatever came after them
		assertThat(flyway(schema, null).migrate().migrations).extracting((migration) -> migration.version)
			.startsWith("25", "26");

		try (Connection c = schema.connect()) {
			assertThat(strings(c, "SELECT jti FROM issued_token WHERE jti = 'jti-live' AND expires_at = ?", live))
				.containsExactly("jti-live");
			assertThat(strings(c, "SELECT tableoid::regclass::text FROM issued_token WHERE jti = 'jti-old'"))
				.containsExactly("issued_token_" + day(old));
			assertThat(strings(c, "SELECT expires_at::text FROM budget_carve WHERE jti = 'jti-live'")).hasSize(1);
			// today and three days ahead
			for (int d = 0; d <= 3; d++) {
				assertThat(exists(c, "issued_token_" + day(NOW.plus(d, ChronoUnit.DAYS)))).isTrue();
			}
			// this schema's (other tests' schemas share the database); V28 dropped the
			// root's
			assertThat(strings(c,
					"SELECT indexname FROM pg_indexes WHERE tablename = 'issued_token'"
							+ " AND schemaname = current_schema()"))
				.contains("issued_token_pkey", "issued_token_client", "issued_token_agent_issued")
				.doesNotContain("issued_token_expires", "issued_token_root");
			assertThat(strings(c, "SELECT tableoid::regclass::text FROM audit_record ORDER BY seq"))
				.containsExactly("audit_record_" + month(recorded), "audit_record_" + month(NOW));
			assertThat(strings(c, "SELECT details->>'n' FROM audit_record ORDER BY seq")).containsExactly("1", "2");
			assertThat(exists(c, "audit_record_" + month(NOW.atOffset(ZoneOffset.UTC).plusMonths(3).toInstant())))
				.isTrue();
		}
	}

	@Test
	void purgeWhenADayLiesWhollyBeforeTheCutoffThenItsPartitionGoesWithItsCarvesAndLaterDaysStay() throws SQLException {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		Instant expired = NOW.minus(3, ChronoUnit.DAYS);
		Instant live = NOW.plus(10, ChronoUnit.MINUTES);
		try (Connection c = schema.connect()) {
			update(c, "SELECT issued_token_ensure_partitions(?::date, ?::date)", day(expired).replace('_', '-'),
					day(expired).replace('_', '-'));
			insertToken(c, "jti-expired", expired);
			insertToken(c, "jti-live", live);
			update(c,
					"INSERT INTO budget_carve (jti, expires_at, parent_jti, root_agent_id, ledger_key, unit,"
							+ " limit_amount) VALUES ('jti-expired', ?, 'p', gen_random_uuid(), 'k', 'usd', 5)",
					expired);
			// a foreign key to a partitioned table: DETACH refuses while the carve is
			// there
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> update(c, "ALTER TABLE issued_token DETACH PARTITION issued_token_" + day(expired)))
				.withMessageContaining("violates foreign key constraint");

			assertThat(
					strings(c, "SELECT issued_token_drop_partitions_before(?)::text", NOW.minus(1, ChronoUnit.HOURS)))
				.containsExactly("1");

			assertThat(exists(c, "issued_token_" + day(expired))).isFalse();
			assertThat(strings(c, "SELECT jti FROM issued_token")).containsExactly("jti-live");
			assertThat(strings(c, "SELECT jti FROM budget_carve")).isEmpty();
			// and again: nothing more to drop, today's partition stays
			assertThat(
					strings(c, "SELECT issued_token_drop_partitions_before(?)::text", NOW.minus(1, ChronoUnit.HOURS)))
				.containsExactly("0");
			assertThat(exists(c, "issued_token_" + day(NOW))).isTrue();
			// making partitions is idempotent
			assertThat(strings(c, "SELECT issued_token_ensure_partitions(current_date, current_date + 3)::text"))
				.containsExactly("0");
		}
	}

	@Test
	void everyAuditPartitionRefusesUpdateDeleteAndTruncateIssuedDirectlyAgainstIt() throws SQLException {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		try (Connection c = schema.connect()) {
			c.setAutoCommit(true);
			update(c, "SELECT audit_record_ensure_partitions('2026-12-01', '2026-12-01')");
			insertRecord(c, 1, Instant.parse("2026-12-15T10:00:00Z"));
			// a partition made by hand, without the function: the next run guards it
			update(c, "CREATE TABLE audit_record_2040_01 PARTITION OF audit_record"
					+ " FOR VALUES FROM ('2040-01-01 00:00:00+00') TO ('2040-02-01 00:00:00+00')");
			update(c, "SELECT audit_record_ensure_partitions('2026-12-01', '2026-12-01')");
			for (String refused : List.of("UPDATE audit_record_2026_12 SET reason = 'x'",
					"DELETE FROM audit_record_2026_12", "TRUNCATE audit_record_2026_12",
					"TRUNCATE audit_record_2040_01", "TRUNCATE audit_record", "DELETE FROM audit_record")) {
				assertThatExceptionOfType(SQLException.class).as(refused)
					.isThrownBy(() -> update(c, refused))
					.withMessageContaining("the audit trail is append-only");
			}
			assertThat(strings(c, "SELECT count(*)::text FROM audit_record_2026_12")).containsExactly("1");
		}
	}

	private static Flyway flyway(TestDatabase.Schema schema, String target) {
		var configuration = Flyway.configure()
			.dataSource(schema.url(), schema.username(), schema.password())
			.locations("classpath:db/migration");
		if (target != null) {
			configuration.target(target);
		}
		return configuration.load();
	}

	private static void insertToken(Connection c, String jti, Instant expiresAt) throws SQLException {
		update(c, "INSERT INTO issued_token (jti, client_id, subject, root_jti, issued_at, expires_at)"
				+ " VALUES (?, 'c', 's', ?, ?, ?)", jti, jti, expiresAt.minus(1, ChronoUnit.HOURS), expiresAt);
	}

	private static void insertRecord(Connection c, long seq, Instant at) throws SQLException {
		update(c,
				"INSERT INTO audit_record (chain, seq, occurred_at, action, decision, details_jcs, prev_hash, hash)"
						+ " VALUES ('c', ?, ?, 'token.issued', 'allow', ?, ?, ?)",
				seq, at, "{\"n\":" + seq + "}", "0".repeat(64), String.valueOf(seq).repeat(64).substring(0, 64));
	}

	private static String day(Instant at) {
		LocalDate date = at.atOffset(ZoneOffset.UTC).toLocalDate();
		return "%04d_%02d_%02d".formatted(date.getYear(), date.getMonthValue(), date.getDayOfMonth());
	}

	private static String month(Instant at) {
		LocalDate date = at.atOffset(ZoneOffset.UTC).toLocalDate();
		return "%04d_%02d".formatted(date.getYear(), date.getMonthValue());
	}

	private static boolean exists(Connection c, String table) throws SQLException {
		return !strings(c,
				"SELECT relname::text FROM pg_class WHERE relname = ? AND relnamespace = current_schema()::regnamespace",
				table)
			.isEmpty();
	}

	private static void update(Connection c, String sql, Object... params) throws SQLException {
		try (PreparedStatement statement = prepare(c, sql, params)) {
			statement.execute();
		}
	}

	private static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
		try (PreparedStatement statement = prepare(c, sql, params); ResultSet rs = statement.executeQuery()) {
			List<String> values = new ArrayList<>();
			while (rs.next()) {
				values.add(rs.getString(1));
			}
			return values;
		}
	}

	private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
		PreparedStatement statement = c.prepareStatement(sql);
		for (int i = 0; i < params.length; i++) {
			Object param = params[i];
			statement.setObject(i + 1, (param instanceof Instant instant) ? Timestamp.from(instant) : param);
		}
		return statement;
	}

}
