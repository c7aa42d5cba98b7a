package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * Throttles failed {@code private_key_jwt} authentications per client <em>and source
 * address</em> (issue 14, item 4: agent ids are public, so a count per client alone let
 * anyone lock a victim out): after {@code threshold} failures of a client from one
 * source, that pair is refused without signature work for a back-off that doubles with
 * each further failure, from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}; the count
 * starts again after {@link #RESET_AFTER} without a failure. The victim's own address is
 * not affected.
 * <p>
 * The count is kept in PostgreSQL ({@code failed_authentication}, one upsert per
 * failure), so it is shared by every node; each node keeps the back-off its own failures
 * returned. A node that has not yet seen the pair fail verifies one more assertion, fails
 * it, and learns the shared count: an attacker gains at most one signature verification
 * per node and back-off window. The happy path reads and writes nothing (a success after
 * a failure this node saw deletes the pair's row).
 * <p>
 * The pairs this node saw fail are kept in a Caffeine cache (issue 15, item 6), each for
 * {@link #RESET_AFTER} after its last failure (the count starts again then anyway, and
 * every back-off has ended: {@link #MAX_BACKOFF} is shorter) and at most
 * {@code idp.tokens.max-tracked-failed-authentications} of them; beyond it the least
 * valuable pairs are evicted one by one, the ones failing most often kept. An evicted
 * pair still backing off is one a node has not seen: it gets one verification, and the
 * shared count. Bound to Micrometer as {@code cache="failed_authentications"}.
 */
final class FailedAuthentications implements MeterBinder {

	/** The {@code cache} tag of the metrics. */
	static final String CACHE = "failed_authentications";

	/** The first back-off, once the threshold is reached. */
	static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);

	/** The longest back-off. */
	static final Duration MAX_BACKOFF = Duration.ofMinutes(15);

	/** The count of a pair starts again after this long without a failure. */
	static final Duration RESET_AFTER = Duration.ofHours(1);

	/** Idle rows are deleted once per this many failures on a node. */
	private static final int PURGE_EVERY = 1000;

	private static final String FAILED = """
			INSERT INTO failed_authentication AS f (client_id, source, failures, last_failure_at)
			VALUES (?, ?, 1, now())
			ON CONFLICT (client_id, source) DO UPDATE
			   SET failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => ?) THEN 1
			                       ELSE f.failures + 1 END,
			       last_failure_at = now()
			RETURNING failures""";

	private static final String SUCCEEDED = "DELETE FROM failed_authentication WHERE client_id = ? AND source = ?";

	private static final String PURGE = """
			DELETE FROM failed_authentication WHERE last_failure_at < now() - make_interval(secs => ?)""";

	private static final Logger logger = LoggerFactory.getLogger(FailedAuthentications.class);

	private final JdbcClient jdbc;

	private final int threshold;

	private final Clock clock;

	private final Cache<Pair, Backoff> pairs;

	private final AtomicInteger failuresSincePurge = new AtomicInteger();

	/**
	 * @param jdbc the shared count, or {@code null} to count on this node only (tests)
	 * @param threshold failures of a client from one source before back-off
	 * @param maxTracked how many pairs this node keeps at most
	 * @param clock the clock, also of the pairs' expiry
	 */
	FailedAuthentications(JdbcClient jdbc, int threshold, int maxTracked, Clock clock) {
		Assert.isTrue(threshold > 0, "threshold must be positive");
		Assert.isTrue(maxTracked > 0, "maxTracked must be positive");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.threshold = threshold;
		this.clock = clock;
		this.pairs = Caffeine.newBuilder()
			.maximumSize(maxTracked)
			.expireAfterWrite(RESET_AFTER)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.recordStats()
			.build();
	}

	/**
	 * A node-local count (tests) keeping the default number of pairs.
	 * @param threshold failures of a client from one source before back-off
	 * @param clock the clock
	 */
	FailedAuthentications(int threshold, Clock clock) {
		this(null, threshold, TokensProperties.DEFAULT_MAX_TRACKED_FAILED_AUTHENTICATIONS, clock);
	}

	/**
	 * Whether the client, from this source, is backing off.
	 * @param clientId the client
	 * @param source the source ({@code RequestSource})
	 * @return {@code true} when it must be refused without further work
	 */
	boolean exceeded(String clientId, String source) {
		Backoff backoff = this.pairs.getIfPresent(new Pair(clientId, source));
		return backoff != null && backoff.until > this.clock.millis();
	}

	/**
	 * Records one failed authentication of the client from the source.
	 * @param clientId the client
	 * @param source the source
	 */
	void failed(String clientId, String source) {
		Pair pair = new Pair(clientId, source);
		long now = this.clock.millis();
		int failures = sharedCount(pair);
		if (failures < 0) {
			Backoff known = this.pairs.getIfPresent(pair);
			failures = (known != null && now - known.lastFailure < RESET_AFTER.toMillis()) ? known.failures + 1 : 1;
		}
		long until = (failures >= this.threshold) ? now + backoff(failures).toMillis() : 0;
		this.pairs.put(pair, new Backoff(failures, now, until));
	}

	/**
	 * Records a successful authentication: the pair's count starts again. A write only
	 * when this node saw the pair fail.
	 * @param clientId the client
	 * @param source the source
	 */
	void succeeded(String clientId, String source) {
		Pair pair = new Pair(clientId, source);
		if (this.pairs.asMap().remove(pair) != null && this.jdbc != null) {
			try {
				this.jdbc.sql(SUCCEEDED).params(clientId, source).update();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not reset the failed authentications of a client: {}",
						ex.getClass().getSimpleName());
			}
		}
	}

	/**
	 * Registers the tracked pairs' metrics (Spring Boot binds every {@link MeterBinder}
	 * bean to its registry).
	 * @param registry the registry
	 */
	@Override
	public void bindTo(MeterRegistry registry) {
		CaffeineCacheMetrics.monitor(registry, this.pairs, CACHE);
	}

	/** The pairs this node keeps (tests). */
	Cache<?, ?> pairs() {
		return this.pairs;
	}

	/** The back-off after this many failures: doubling from the first, capped. */
	Duration backoff(int failures) {
		int doublings = Math.min(failures - this.threshold, 20);
		Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.max(0, doublings));
		return (backoff.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : backoff;
	}

	/** The pair's failures across nodes, this one included, or -1 when unknown. */
	private int sharedCount(Pair pair) {
		if (this.jdbc == null) {
			return -1;
		}
		try {
			if (this.failuresSincePurge.incrementAndGet() >= PURGE_EVERY) {
				this.failuresSincePurge.set(0);
				this.jdbc.sql(PURGE).param(RESET_AFTER.toSeconds()).update();
			}
			return this.jdbc.sql(FAILED)
				.params(pair.clientId(), pair.source(), RESET_AFTER.toSeconds())
				.query(Integer.class)
				.single();
		}
		catch (RuntimeException ex) {
			// counted on this node only until the database answers again
			logger.warn("Could not count a failed authentication across nodes: {}", ex.getClass().getSimpleName());
			return -1;
		}
	}

	private record Pair(String clientId, String source) {
	}

	private record Backoff(int failures, long lastFailure, long until) {
	}

}
