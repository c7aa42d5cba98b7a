package dev.agentidp.console;

import java.time.Duration;

import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in throttle ({@link SignInThrottle}) on a real PostgreSQL: per account and
 * source, per source, per account, and the window.
 */
class SignInThrottleTests {

	private JdbcClient jdbc;

	@BeforeEach
	void schema() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		this.jdbc = JdbcClient.create(new DriverManagerDataSource(schema.url(), schema.username(), schema.password()));
	}

	@Test
	void lockedWhenAnAccountFailsFromOneSourceUpToTheLimitThenOnlyThatPair() {
		SignInThrottle throttle = throttle(3, 100, 100, Duration.ofMinutes(15));
		for (int i = 0; i < 2; i++) {
			throttle.failed("alice", "10.0.0.1");
		}
		assertThat(throttle.locked("alice", "10.0.0.1")).isFalse();
		throttle.failed("alice", "10.0.0.1");
		assertThat(throttle.locked("alice", "10.0.0.1")).isTrue();
		assertThat(throttle.locked("alice", "10.0.0.2")).isFalse();
		assertThat(throttle.locked("bob", "10.0.0.1")).isFalse();
	}

	@Test
	void lockedWhenOneSourceFailsForManyAccountsThenEveryAccountFromIt() {
		SignInThrottle throttle = throttle(100, 3, 100, Duration.ofMinutes(15));
		throttle.failed("a", "10.0.0.9");
		throttle.failed("b", "10.0.0.9");
		assertThat(throttle.locked("c", "10.0.0.9")).isFalse();
		throttle.failed("c", "10.0.0.9");
		assertThat(throttle.locked("anyone", "10.0.0.9")).isTrue();
		assertThat(throttle.locked("anyone", "10.0.0.8")).isFalse();
	}

	@Test
	void lockedWhenOneAccountFailsFromManySourcesThenFromEverySource() {
		SignInThrottle throttle = throttle(100, 100, 3, Duration.ofMinutes(15));
		throttle.failed("carol", "10.0.1.1");
		throttle.failed("carol", "10.0.1.2");
		assertThat(throttle.locked("carol", "10.0.1.3")).isFalse();
		throttle.failed("carol", "10.0.1.3");
		assertThat(throttle.locked("carol", "10.0.1.4")).isTrue();
	}

	@Test
	void succeededClearsTheAccountsCountsButNotTheSources() {
		SignInThrottle throttle = throttle(2, 3, 100, Duration.ofMinutes(15));
		throttle.failed("dave", "10.0.2.1");
		throttle.succeeded("dave", "10.0.2.1");
		throttle.failed("dave", "10.0.2.1");
		assertThat(throttle.locked("dave", "10.0.2.1")).isFalse();
		throttle.failed("erin", "10.0.2.1");
		assertThat(throttle.locked("frank", "10.0.2.1")).isTrue();
	}

	@Test
	void lockedWhenTheLockoutHasPassedThenNoLonger() throws InterruptedException {
		SignInThrottle throttle = throttle(1, 100, 100, Duration.ofSeconds(1));
		throttle.failed("gina", "10.0.3.1");
		assertThat(throttle.locked("gina", "10.0.3.1")).isTrue();
		Thread.sleep(1200);
		assertThat(throttle.locked("gina", "10.0.3.1")).isFalse();
	}

	private SignInThrottle throttle(int pair, int source, int account, Duration lockout) {
		return new SignInThrottle(this.jdbc,
				new ConsoleProperties(Duration.ofHours(12),
						new ConsoleProperties.SignIn(pair, source, account, Duration.ofMinutes(15), lockout),
						new ConsoleProperties.Federation(null, null, null, "groups", java.util.Map.of())));
	}

}
