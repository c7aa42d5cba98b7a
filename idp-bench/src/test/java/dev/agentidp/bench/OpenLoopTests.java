package dev.agentidp.bench;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OpenLoop}: latencies from the due time, so that a stall shows in every request
 * queued behind it (where a {@link ClosedLoop} shows one slow request), and a rate the
 * server cannot keep is reported as late requests and a long tail, never as a good one.
 * Bounds are loose: the machine that runs them is shared.
 */
class OpenLoopTests {

	@Test
	void aStallIsSeenByEveryRequestDueDuringIt() throws Exception {
		ClosedLoop.Operation stallOnce = (worker, i) -> {
			Thread.sleep((i == 20) ? 500 : 1);
			return true;
		};
		OpenLoop.Outcome open = OpenLoop.run(1, 100, Duration.ZERO, Duration.ofSeconds(2), stallOnce);
		// due every 10 ms: the ~50 requests due during the 500 ms stall all waited
		assertThat(open.outcome().latency().getCountBetweenValues(100_000, 10_000_000)).isGreaterThanOrEqualTo(20);
		assertThat(open.outcome().latency().getMaxValue()).isGreaterThanOrEqualTo(400_000);
		assertThat(open.late()).isZero();
		assertThat(open.outcome().operations()).isBetween(150L, 201L);

		// the closed loop sees the stall once
		ClosedLoop.Outcome closed = ClosedLoop.run(1, Duration.ZERO, Duration.ofSeconds(2), 200, stallOnce);
		assertThat(closed.latency().getCountBetweenValues(100_000, 10_000_000)).isEqualTo(1);
	}

	@Test
	void aRateTheServerCannotKeepIsLateAndSlowNotFast() throws Exception {
		ClosedLoop.Operation twoMillis = (worker, i) -> {
			Thread.sleep(2);
			return true;
		};
		// one worker serves at most ~500/s; 2,000/s are due
		OpenLoop.Outcome open = OpenLoop.run(1, 2000, Duration.ZERO, Duration.ofSeconds(1), twoMillis);
		assertThat(open.late()).isGreaterThan(500);
		assertThat(open.outcome().errors()).isEqualTo(open.late());
		assertThat(open.outcome().percentileMillis(99)).isGreaterThan(300);
		assertThat(open.outcome().throughput()).isLessThan(1000);
	}

	@Test
	void aRateTheServerKeepsIsAnsweredOnTime() throws Exception {
		ClosedLoop.Operation oneMilli = (worker, i) -> {
			Thread.sleep(1);
			return true;
		};
		OpenLoop.Outcome open = OpenLoop.run(4, 200, Duration.ofMillis(200), Duration.ofSeconds(1), oneMilli);
		assertThat(open.late()).isZero();
		assertThat(open.outcome().errors()).isZero();
		assertThat(open.outcome().operations()).isBetween(180L, 201L);
		assertThat(open.outcome().percentileMillis(50)).isLessThan(50);
	}

	@Test
	void failuresAreCountedAndTheRateMustBePositive() throws Exception {
		OpenLoop.Outcome open = OpenLoop.run(2, 100, Duration.ZERO, Duration.ofMillis(500), (worker, i) -> {
			if (i % 2 == 0) {
				throw new IllegalStateException("refused");
			}
			return true;
		});
		assertThat(open.outcome().errors()).isBetween(20L, 26L);
		assertThat(open.outcome().firstError()).contains("refused");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> OpenLoop.run(1, 0, Duration.ZERO, Duration.ofSeconds(1), (worker, i) -> true));
	}

}
