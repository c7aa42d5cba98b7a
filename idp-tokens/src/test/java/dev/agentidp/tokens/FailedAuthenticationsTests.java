package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failed-authentication back-off on one node (no shared count), on a clock the test
 * moves: the rules of issue 14, item 4, kept when its map became a Caffeine cache (issue
 * 15, item 6).
 */
class FailedAuthenticationsTests {

	private static final String CLIENT = "5f0c4f4e-8a49-4d0b-9a51-6f1f0c1e2d3a";

	private final MovableClock clock = new MovableClock();

	@Test
	void exceededWhenThresholdReachedThenBackingOffUntilTheFirstBackoffEnds() {
		FailedAuthentications failures = new FailedAuthentications(3, this.clock);
		failures.failed(CLIENT, "10.0.0.1");
		failures.failed(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).isFalse();
		failures.failed(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).isTrue();
		assertThat(failures.exceeded(CLIENT, "10.0.0.2")).as("another source").isFalse();
		this.clock.advance(FailedAuthentications.FIRST_BACKOFF);
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).isFalse();
	}

	@Test
	void failedWhenAnHourPassedWithoutFailureThenTheCountStartsAgain() {
		FailedAuthentications failures = new FailedAuthentications(2, this.clock);
		failures.failed(CLIENT, "10.0.0.1");
		this.clock.advance(FailedAuthentications.RESET_AFTER.minusSeconds(1));
		failures.failed(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).as("two failures within the hour").isTrue();
		this.clock.advance(FailedAuthentications.RESET_AFTER);
		failures.pairs().cleanUp();
		assertThat(failures.pairs().estimatedSize()).as("dropped an hour after its last failure").isZero();
		failures.failed(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).as("the count started again").isFalse();
	}

	@Test
	void succeededWhenBackingOffThenTheCountStartsAgain() {
		FailedAuthentications failures = new FailedAuthentications(1, this.clock);
		failures.failed(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).isTrue();
		failures.succeeded(CLIENT, "10.0.0.1");
		assertThat(failures.exceeded(CLIENT, "10.0.0.1")).isFalse();
	}

	@Test
	void failedWhenBeyondTheTrackedPairsThenAFewAreEvictedNotAll() {
		FailedAuthentications failures = new FailedAuthentications(null, 1, 100, this.clock);
		for (int i = 0; i < 150; i++) {
			failures.failed(CLIENT, "10.0.0." + i);
		}
		failures.pairs().cleanUp();
		// issue 15, item 6: evicted one by one down to the maximum, not cleared
		assertThat(failures.pairs().estimatedSize()).isEqualTo(100);
		assertThat(failures.pairs().stats().evictionCount()).isEqualTo(50);
	}

	@Test
	void bindToWhenBoundThenGetsSizeAndEvictionsAreMetered() {
		FailedAuthentications failures = new FailedAuthentications(1, this.clock);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		failures.bindTo(registry);
		failures.failed(CLIENT, "10.0.0.1");
		failures.exceeded(CLIENT, "10.0.0.1");
		failures.exceeded(CLIENT, "10.0.0.2");
		assertThat(registry.get("cache.gets")
			.tag("cache", "failed_authentications")
			.tag("result", "hit")
			.functionCounter()
			.count()).isEqualTo(1);
		assertThat(registry.get("cache.gets")
			.tag("cache", "failed_authentications")
			.tag("result", "miss")
			.functionCounter()
			.count()).isEqualTo(2);
		assertThat(registry.get("cache.size").tag("cache", "failed_authentications").gauge().value()).isEqualTo(1);
		assertThat(registry.get("cache.evictions").tag("cache", "failed_authentications").functionCounter().count())
			.isZero();
	}

	/** A clock the test moves. */
	private static final class MovableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
