package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token store partitioned by expiry day (V25) on a real PostgreSQL: the maintenance
 * makes today and the days ahead, once, from many nodes at once; a token's row is found
 * by its jti and exp in one partition; the purge drops the days that lie wholly before
 * its cutoff and nothing else.
 */
class TokenPartitionsTests {

	private JdbcClient jdbc;

	private IssuedTokens tokens;

	@BeforeEach
	void migrate() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		// a connection per statement: the six nodes below run at once
		this.jdbc = JdbcClient.create(new DriverManagerDataSource(schema.url(), schema.username(), schema.password()));
		this.tokens = new IssuedTokens(this.jdbc);
	}

	@Test
	void theMaintenanceMakesTodayAndTheDaysAheadOnceEvenFromManyNodesAtOnce() throws Exception {
		// ten days on: none of those partitions exists yet
		Clock later = Clock.fixed(Instant.now().plus(10, ChronoUnit.DAYS), ZoneOffset.UTC);
		LocalDate today = LocalDate.ofInstant(later.instant(), ZoneOffset.UTC);
		List<Callable<Integer>> nodes = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			nodes.add(() -> new TokenPartitions(new IssuedTokens(this.jdbc), later).ensure());
		}
		ExecutorService pool = Executors.newFixedThreadPool(6);
		int made = 0;
		try {
			for (Future<Integer> result : pool.invokeAll(nodes)) {
				made += result.get();
			}
		}
		finally {
			pool.shutdown();
		}
		assertThat(made).isEqualTo(TokenPartitions.DAYS_AHEAD + 1);
		for (int d = 0; d <= TokenPartitions.DAYS_AHEAD; d++) {
			assertThat(partitions()).contains(partition(today.plusDays(d)));
		}
		assertThat(new TokenPartitions(this.tokens, later).ensure()).isZero();
		// a day of the longest lifetime (24 h) from the last moment of today is covered
		assertThat(TokenPartitions.DAYS_AHEAD).isGreaterThanOrEqualTo(2);
	}

	@Test
	void aTokensRowIsFoundByItsJtiAndExpInOnePartition() {
		Instant expiresAt = Instant.now().plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS);
		TokenRecord token = token(expiresAt);
		this.tokens.insert(token, new byte[32], null, null);

		assertThat(this.tokens.find(token.jti(), expiresAt)).map((stored) -> stored.token().jti())
			.contains(token.jti());
		assertThat(this.tokens.find(token.jti(), expiresAt.plusSeconds(1))).isEmpty();
		assertThat(this.tokens.find(token.jti())).isPresent();
		// PostgreSQL docs 5.11.4: the lookup's form (IssuedTokens: the expiry as an
		// initplan) is pruned when execution starts, so the one partition the expiry is
		// in is the only one read, and the plan holds no value, so one generic plan
		// serves every lookup
		String plan = String.join("\n",
				this.jdbc
					.sql("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT jti FROM issued_token"
							+ " WHERE jti = ? AND expires_at = (SELECT ?::timestamptz)")
					.params(token.jti().value(), Timestamp.from(expiresAt))
					.query(String.class)
					.list());
		assertThat(
				plan.lines().filter((line) -> line.contains(" on issued_token_") && !line.contains("never executed")))
			.singleElement()
			.asString()
			.contains(partition(LocalDate.ofInstant(expiresAt, ZoneOffset.UTC)));
	}

	@Test
	void thePurgeDropsTheDaysWhollyBeforeTheCutoffAndKeepsTheDayItFallsIn() {
		Instant now = Instant.now();
		LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
		this.tokens.ensurePartitions(today.minusDays(2), today.minusDays(1));
		Instant twoDaysAgo = today.minusDays(2).atTime(12, 0).toInstant(ZoneOffset.UTC);
		Instant yesterday = today.minusDays(1).atTime(23, 59, 59).toInstant(ZoneOffset.UTC);
		this.tokens.insert(token(twoDaysAgo), new byte[32], null, null);
		this.tokens.insert(token(twoDaysAgo.plusSeconds(60)), new byte[32], null, null);
		this.tokens.insert(token(yesterday), new byte[32], null, null);
		Instant live = now.plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
		this.tokens.insert(token(live), new byte[32], null, null);

		// a cutoff inside yesterday: only the day before it lies wholly before
		long purged = this.tokens.purgeExpiredBefore(yesterday.minusSeconds(3600));
		assertThat(purged).isEqualTo(2);
		assertThat(partitions()).doesNotContain(partition(today.minusDays(2)))
			.contains(partition(today.minusDays(1)), partition(today));
		// the next day's end: yesterday goes, today stays
		assertThat(this.tokens.purgeExpiredBefore(today.atStartOfDay(ZoneOffset.UTC).toInstant())).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM issued_token").query(Long.class).single()).isEqualTo(1);
		assertThat(this.tokens.purgeExpiredBefore(now.minus(Duration.ofHours(1)))).isZero();
	}

	private List<String> partitions() {
		return this.jdbc
			.sql("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
					+ " WHERE i.inhparent = 'issued_token'::regclass ORDER BY 1")
			.query(String.class)
			.list();
	}

	private static String partition(LocalDate day) {
		return "issued_token_%04d_%02d_%02d".formatted(day.getYear(), day.getMonthValue(), day.getDayOfMonth());
	}

	private static TokenRecord token(Instant expiresAt) {
		Jti jti = Jti.random();
		Set<String> scopes = new LinkedHashSet<>(List.of("crm:read"));
		return new TokenRecord(jti, new TokenRecord.Holder(null, "client-1", "client-1", null), scopes,
				List.of("https://crm.example.com"), null, new TokenRecord.Family(null, jti, 0, null),
				new TokenRecord.Lifetime(expiresAt.minus(Duration.ofMinutes(15)), expiresAt, null), null, "kid-1");
	}

}
