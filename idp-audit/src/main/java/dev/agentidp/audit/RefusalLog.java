package dev.agentidp.audit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * One INFO line per refused request (client, endpoint, reason; never a secret, a token or
 * an assertion), rate-limited so that a flood cannot fill the disk: at most
 * {@link #LINES_PER_CLIENT} lines per client per minute (the line that reaches the cap
 * says that the rest of the minute is not logged), and at most {@link #LINES_PER_MINUTE}
 * lines a minute in all, whatever the number of clients named (a flood of random client
 * ids). Every refusal is still recorded in the audit trail or counted in a summary record
 * ({@link Refusals}); only the log is thinned.
 */
public final class RefusalLog {

	/** Lines logged for one client in one minute. */
	public static final int LINES_PER_CLIENT = 5;

	/** Lines logged in one minute over every client. */
	public static final int LINES_PER_MINUTE = 200;

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private static final int MAX_VALUE_LENGTH = 200;

	private final Logger logger;

	private final Ticker ticker;

	private final Cache<String, AtomicInteger> perClient;

	private final AtomicLong windowStart;

	private final AtomicInteger inWindow = new AtomicInteger();

	/** A refusal log writing to this class's logger. */
	public RefusalLog() {
		this(LoggerFactory.getLogger(RefusalLog.class), Ticker.systemTicker());
	}

	RefusalLog(Logger logger, Ticker ticker) {
		Assert.notNull(logger, "logger cannot be null");
		Assert.notNull(ticker, "ticker cannot be null");
		this.logger = logger;
		this.ticker = ticker;
		this.perClient = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(WINDOW).ticker(ticker).build();
		this.windowStart = new AtomicLong(ticker.read());
	}

	/**
	 * Logs a refusal, unless its client or the whole log is over its rate.
	 * @param client the client the request named, or {@code null}
	 * @param endpoint the request path
	 * @param reason why it was refused (as audited)
	 * @return whether a line was written
	 */
	public boolean refused(String client, String endpoint, String reason) {
		if (!this.logger.isInfoEnabled() || !withinGlobalRate()) {
			return false;
		}
		String key = (client != null) ? client : "";
		int count = this.perClient.get(key, (k) -> new AtomicInteger()).incrementAndGet();
		if (count > LINES_PER_CLIENT) {
			return false;
		}
		String suffix = (count == LINES_PER_CLIENT)
				? " (further refusals of this client are not logged for the rest of the minute)" : "";
		this.logger.info("Refused: client={} endpoint={} reason={}{}", printable(client), printable(endpoint),
				printable(reason), suffix);
		return true;
	}

	private boolean withinGlobalRate() {
		long now = this.ticker.read();
		long start = this.windowStart.get();
		if (now - start >= WINDOW.toNanos() && this.windowStart.compareAndSet(start, now)) {
			this.inWindow.set(0);
		}
		return this.inWindow.incrementAndGet() <= LINES_PER_MINUTE;
	}

	/** Bounded and on one line: request input is hostile. */
	static String printable(String value) {
		if (value == null) {
			return "-";
		}
		return PrintableText.of(value, MAX_VALUE_LENGTH);
	}

}
