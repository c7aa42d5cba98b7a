package dev.agentidp.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry's clock in its tests: the system clock in UTC, moved forward with
 * {@link #advance(Duration)} instead of sleeping.
 */
final class TestClock extends Clock {

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	/**
	 * Moves the clock forward.
	 * @param duration how far
	 */
	void advance(Duration duration) {
		this.offset.accumulateAndGet(duration, Duration::plus);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("the registry's clock is UTC");
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset.get());
	}

}
