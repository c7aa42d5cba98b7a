package dev.agentidp.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentidp.db.test.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V11 backfills {@code audit_record.details_jcs} of records written before it (when only
 * the jsonb {@code details} was stored) with the canonical text that was hashed, so that
 * every existing record still verifies, whatever its details held: numbers that jsonb
 * respells, member names that sort differently by code point and by UTF-16 code unit,
 * escapes, nesting.
 */
class AuditDetailsMigrationTests {

	private static final String INSERT_V10 = """
			INSERT INTO audit_record (chain, seq, occurred_at, actor, action, target, decision, reason, details,
			                          prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""";

	@Test
	void migrationWhenRecordsWrittenBeforeItThenDetailsTextIsTheHashedOneAndTheTrailVerifies() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		flyway(schema).target("10").load().migrate();
		List<Map<String, Object>> details = details();
		List<String> canonical = new ArrayList<>();
		try (HikariDataSource dataSource = dataSource(schema)) {
			JdbcClient jdbc = JdbcClient.create(dataSource);
			RecordHashing hashing = new RecordHashing();
			String prev = RecordHashing.GENESIS;
			long at = Instant.parse("2026-11-28T10:00:00.123Z").toEpochMilli();
			for (int i = 0; i < details.size(); i++) {
				// as the trail wrote them before V11: the canonical text into jsonb,
				// hashed as is
				String text = CanonicalJson.write(details.get(i));
				canonical.add(text);
				String hash = new String(hashing.hash(prev, "c-migrated", i + 1, at + i, "client-1", "token.issued",
						"jti-" + i, "allow", null, text));
				jdbc.sql(INSERT_V10)
					.params("c-migrated", i + 1, Instant.ofEpochMilli(at + i).atOffset(ZoneOffset.UTC), "client-1",
							"token.issued", "jti-" + i, "allow", null, text, prev, hash)
					.update();
				prev = hash;
			}
			jdbc.sql("INSERT INTO audit_chain_head (chain, seq, prev_hash, hash) VALUES ('c-migrated', ?, NULL, ?)")
				.params(details.size(), prev)
				.update();
			// jsonb respelled some of them: what it gives back is not what was hashed
			assertThat(jdbc.sql("SELECT details::text FROM audit_record ORDER BY seq").query(String.class).list())
				.isNotEqualTo(canonical);

			flyway(schema).load().migrate();

			assertThat(jdbc.sql("SELECT details_jcs FROM audit_record ORDER BY seq").query(String.class).list())
				.containsExactlyElementsOf(canonical);
			AuditTrail trail = new AuditTrail(dataSource,
					new AuditCheckpoints(jdbc, new StaticListableBeanFactory().getBeanProvider(CheckpointSigner.class),
							Clock.systemUTC()),
					new DataSourceTransactionManager(dataSource), new SimpleMeterRegistry(), Clock.systemUTC());
			assertThat(trail.verify(null)).isEqualTo(new AuditVerification.Valid(1, details.size()));
			// and the chain goes on from there
			trail.append(
					new AuditEntry("c-migrated", null, "agent.updated", null, Decision.ALLOW, null, Map.of("n", 1.5)));
			assertThat(trail.verify(null)).isEqualTo(new AuditVerification.Valid(1, details.size() + 1));
			assertThat(jdbc.sql("SELECT details->>'n' FROM audit_record WHERE seq = ?")
				.param(details.size() + 1)
				.query(String.class)
				.single()).isEqualTo("1.5");
		}
	}

	private static List<Map<String, Object>> details() {
		List<Map<String, Object>> all = new ArrayList<>();
		all.add(Map.of());
		all.add(Map.of("scope", "crm:read", "jti", "abc"));
		Map<String, Object> numbers = new LinkedHashMap<>();
		numbers.put("big", 1e21);
		numbers.put("small", 1.5e-7);
		numbers.put("micro", 0.000001);
		numbers.put("third", 333333333.33333329);
		numbers.put("negative", -0.1);
		numbers.put("beyond2to53", 123456789012345678L);
		numbers.put("max", Double.MAX_VALUE);
		numbers.put("tiny", Double.MIN_VALUE);
		numbers.put("count", 37);
		numbers.put("zero", -0.0);
		all.add(numbers);
		Map<String, Object> names = new LinkedHashMap<>();
		// U+1F600 sorts before U+FFFF by UTF-16 code units (RFC 8785 §3.2.3), after it by
		// code point
		names.put("\uffff", 1);
		names.put("\ud83d\ude00", 2);
		names.put("\u20ac", 3);
		names.put("", 4);
		names.put("a", List.of(true, false, "x"));
		names.put("nested", Map.of("z", Map.of("y", List.of()), "a", Map.of()));
		all.add(names);
		Map<String, Object> strings = new LinkedHashMap<>();
		strings.put("escapes", "\"\\/\b\f\n\r\t\u0001\u001f\u007f");
		strings.put("unicode", "\u00e9\u20ac\ud83d\ude00 A\u030a");
		strings.put("reasons", Map.of("invalid_client: unknown client", 37, "(other reasons)", 2));
		all.add(strings);
		return all;
	}

	private static FluentConfiguration flyway(TestDatabase.Schema schema) {
		return Flyway.configure()
			.dataSource(schema.url(), schema.username(), schema.password())
			.locations("classpath:db/migration");
	}

	private static HikariDataSource dataSource(TestDatabase.Schema schema) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(schema.url());
		dataSource.setUsername(schema.username());
		dataSource.setPassword(schema.password());
		dataSource.setMaximumPoolSize(2);
		return dataSource;
	}

}
