package dev.agentidp.tokens;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.util.Assert;

/**
 * Counts failed client authentications per client in the current minute, on this node, so
 * that a client over the cap is refused before any signature is verified. The count is
 * kept in memory: with N nodes a client may fail at most N times the cap per minute,
 * which still bounds the signature work an attacker can cause per node.
 */
final class FailedAuthentications {

	/** Above this many tracked clients, windows of past minutes are dropped. */
	private static final int MAX_TRACKED = 10_000;

	private final int maxPerMinute;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	FailedAuthentications(int maxPerMinute, Clock clock) {
		Assert.isTrue(maxPerMinute > 0, "maxPerMinute must be positive");
		Assert.notNull(clock, "clock cannot be null");
		this.maxPerMinute = maxPerMinute;
		this.clock = clock;
	}

	/**
	 * Whether the client has used up its failures for this minute.
	 * @param clientId the client
	 * @return {@code true} when it must be refused without further work
	 */
	boolean exceeded(String clientId) {
		Window window = this.windows.get(clientId);
		return window != null && window.minute == minute() && window.failures.get() >= this.maxPerMinute;
	}

	/**
	 * Records one failed authentication of the client.
	 * @param clientId the client
	 */
	void failed(String clientId) {
		long minute = minute();
		if (this.windows.size() > MAX_TRACKED) {
			this.windows.values().removeIf((window) -> window.minute != minute);
		}
		this.windows.compute(clientId, (id, window) -> (window != null && window.minute == minute) ? window
				: new Window(minute, new AtomicInteger())).failures
			.incrementAndGet();
	}

	private long minute() {
		return this.clock.millis() / 60_000;
	}

	private record Window(long minute, AtomicInteger failures) {
	}

}
