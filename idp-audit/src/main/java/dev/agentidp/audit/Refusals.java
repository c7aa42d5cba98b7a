package dev.agentidp.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * Records refusals (denied OAuth requests, denied admin requests) so that a flood of them
 * can neither grow the trail at its own rate nor take the connections token issuance
 * needs (issue 14, items 3 and 4; docs/audit.md "Refusals"):
 * <ul>
 * <li>every refusal is counted in {@code idp.audit.refusals{action, recorded}};</li>
 * <li>the first {@code individual-per-source} refusals of a chain, action and source in
 * an interval are recorded one by one (at most {@code max-individual} in all), each in a
 * transaction of its own while one of the {@code connections} permits is free, never
 * waiting for one;</li>
 * <li>every other refusal is aggregated: at the end of the interval one summary record
 * per chain, action and source gives their {@code count}, their reasons and the interval;
 * sources beyond {@code max-sources} are summed in one overflow summary on
 * {@code _system};</li>
 * <li>a refusal whose record cannot be written is still refused by the caller (this class
 * never throws), counted in {@code idp.audit.refusal.unrecorded}, logged at WARN (at most
 * once per interval) and aggregated, so it is in the next summary.</li>
 * </ul>
 * Summaries are written by one writer, the scheduler ({@link #flush()}), and at shutdown.
 * <p>
 * About 320 lines, deliberately one class: the per-source counters, the bounded writers
 * and the summary they flush share one interval (its counters and its window lock).
 */
public final class Refusals {

	/**
	 * Counts every refusal ({@code action}, {@code recorded} = individual/aggregated).
	 */
	public static final String REFUSALS_METRIC = "idp.audit.refusals";

	/** Counts the refusals whose individual record could not be written. */
	public static final String UNRECORDED_METRIC = "idp.audit.refusal.unrecorded";

	/** The source of the overflow summary. */
	public static final String OVERFLOW_SOURCE = "*";

	/** The start of a summary's reason (DenialReasons maps it to {@code aggregated}). */
	public static final String SUMMARY_REASON = "refusals aggregated";

	private static final int MAX_REASONS = 10;

	private static final String OTHER_REASONS = "(other reasons)";

	private static final Logger logger = LoggerFactory.getLogger(Refusals.class);

	private final AuditTrail trail;

	private final RefusalsProperties properties;

	private final Semaphore writers;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Counter unrecorded;

	private final ReentrantReadWriteLock windowLock = new ReentrantReadWriteLock();

	private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);

	private final AtomicInteger suppressedWarnings = new AtomicInteger();

	private volatile Window window;

	/**
	 * @param trail the audit trail
	 * @param properties the limits
	 * @param poolSize the connection pool's size (the default of {@code connections} is a
	 * quarter of it)
	 * @param meters where to count
	 * @param clock the clock of the intervals
	 */
	Refusals(AuditTrail trail, RefusalsProperties properties, int poolSize, MeterRegistry meters, Clock clock) {
		Assert.notNull(trail, "trail cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(meters, "meters cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.trail = trail;
		this.properties = properties;
		this.writers = new Semaphore(
				(properties.connections() > 0) ? properties.connections() : Math.max(1, poolSize / 4));
		this.meters = meters;
		this.clock = clock;
		this.unrecorded = Counter.builder(UNRECORDED_METRIC)
			.description("Refusals whose audit record could not be written (refused anyway, then aggregated)")
			.register(meters);
		this.window = new Window(now());
	}

	/**
	 * Records a refusal: one by one within the budget of its chain, action and source,
	 * else in the interval's summary. Never throws: the caller refuses the request
	 * whatever happens here.
	 * @param entry the refusal as it would be recorded on its own
	 * @param source where the request came from ({@link RequestSource})
	 */
	public void refused(AuditEntry entry, String source) {
		Assert.notNull(entry, "entry cannot be null");
		String from = (source != null) ? source : RequestSource.UNKNOWN;
		boolean individual;
		this.windowLock.readLock().lock();
		try {
			Window current = this.window;
			Tally tally = current.tally(entry, from, this.properties.maxSources());
			individual = tally.individual.incrementAndGet() <= this.properties.individualPerSource()
					&& current.individual.incrementAndGet() <= this.properties.maxIndividual();
		}
		finally {
			this.windowLock.readLock().unlock();
		}
		if (individual && this.writers.tryAcquire()) {
			try {
				this.trail.appendDenial(entry);
				count(entry.action(), "individual");
				return;
			}
			catch (RuntimeException ex) {
				this.unrecorded.increment();
				warn("A refusal could not be recorded in the audit trail (action " + entry.action()
						+ "); it was refused anyway and is counted in the next summary", ex);
			}
			finally {
				this.writers.release();
			}
		}
		aggregate(entry, from, 1, null);
		count(entry.action(), "aggregated");
	}

	/**
	 * Ends the current interval and writes one summary record per chain, action and
	 * source that had aggregated refusals in it. A summary that cannot be written is
	 * carried into the next interval.
	 * @return the summaries written
	 */
	public synchronized int flush() {
		Window ended;
		Instant now = now();
		this.windowLock.writeLock().lock();
		try {
			ended = this.window;
			this.window = new Window(now);
		}
		finally {
			this.windowLock.writeLock().unlock();
		}
		int written = 0;
		for (Map.Entry<Key, Tally> tallied : ended.tallies.entrySet()) {
			Key key = tallied.getKey();
			Tally tally = tallied.getValue();
			long count = tally.count.sum();
			if (count == 0) {
				continue;
			}
			Map<String, Long> reasons = new LinkedHashMap<>();
			tally.reasons.forEach((reason, n) -> reasons.put(reason, n.sum()));
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("count", count);
			details.put("source", key.source());
			details.put("from", (tally.from != null) ? tally.from.toString() : ended.start.toString());
			details.put("to", now.toString());
			details.put("reasons", reasons);
			String actor = AuditEntry.SYSTEM_CHAIN.equals(key.chain()) ? null : key.chain();
			AuditEntry summary = new AuditEntry(key.chain(), actor, key.action(), null, Decision.DENY,
					SUMMARY_REASON + ": " + count + " from " + key.source(), details);
			try {
				this.trail.appendDenial(summary);
				written++;
			}
			catch (RuntimeException ex) {
				warn("A summary of " + count + " refusals could not be recorded in the audit trail (action "
						+ key.action() + "); it is carried into the next interval", ex);
				reasons.forEach((reason, n) -> aggregate(key, reason, n, tally.from));
			}
		}
		return written;
	}

	private void aggregate(AuditEntry entry, String source, long count, Instant from) {
		this.windowLock.readLock().lock();
		try {
			this.window.tally(entry, source, this.properties.maxSources()).add(entry.reason(), count, from);
		}
		finally {
			this.windowLock.readLock().unlock();
		}
	}

	private void aggregate(Key key, String reason, long count, Instant from) {
		this.windowLock.readLock().lock();
		try {
			this.window.tally(key).add(reason, count, from);
		}
		finally {
			this.windowLock.readLock().unlock();
		}
	}

	private void count(String action, String recorded) {
		Counter.builder(REFUSALS_METRIC)
			.description("Refusals, recorded one by one or aggregated in a summary record")
			.tag("action", action)
			.tag("recorded", recorded)
			.register(this.meters)
			.increment();
	}

	/** At most one line per interval; never a value from the request. */
	private void warn(String message, RuntimeException ex) {
		long now = System.nanoTime();
		long last = this.lastWarning.get();
		if (last != Long.MIN_VALUE && now - last < this.properties.interval().toNanos()) {
			this.suppressedWarnings.incrementAndGet();
			return;
		}
		if (!this.lastWarning.compareAndSet(last, now)) {
			this.suppressedWarnings.incrementAndGet();
			return;
		}
		int suppressed = this.suppressedWarnings.getAndSet(0);
		logger.warn("{}: {}{}", message, cause(ex),
				(suppressed > 0) ? " (" + suppressed + " similar warnings not logged)" : "");
	}

	/** The failure's kind, without its message (which may quote the values). */
	private static String cause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.sql.SQLException sql) {
				return sql.getClass().getSimpleName() + " SQLState " + sql.getSQLState();
			}
		}
		return ex.getClass().getSimpleName();
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	private record Key(String chain, String action, String source) {
	}

	/** The refusals of one interval. */
	private static final class Window {

		private final Instant start;

		private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();

		private final AtomicInteger individual = new AtomicInteger();

		Window(Instant start) {
			this.start = start;
		}

		Tally tally(AuditEntry entry, String source, int maxSources) {
			Key key = new Key(entry.chain(), entry.action(), source);
			Tally tally = this.tallies.get(key);
			if (tally != null) {
				return tally;
			}
			if (this.tallies.size() >= maxSources) {
				// beyond the tracked sources: one overflow summary per action, on _system
				return tally(new Key(AuditEntry.SYSTEM_CHAIN, entry.action(), OVERFLOW_SOURCE));
			}
			return tally(key);
		}

		Tally tally(Key key) {
			return this.tallies.computeIfAbsent(key, (k) -> new Tally());
		}

	}

	/** The refusals of one chain, action and source in one interval. */
	private static final class Tally {

		private final AtomicInteger individual = new AtomicInteger();

		private final LongAdder count = new LongAdder();

		private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();

		private volatile Instant from;

		void add(String reason, long n, Instant carriedFrom) {
			if (carriedFrom != null && this.from == null) {
				this.from = carriedFrom;
			}
			String key = (reason != null) ? PrintableText.of(reason, 200) : "-";
			LongAdder adder = this.reasons.get(key);
			if (adder == null) {
				adder = (this.reasons.size() < MAX_REASONS) ? this.reasons.computeIfAbsent(key, (k) -> new LongAdder())
						: this.reasons.computeIfAbsent(OTHER_REASONS, (k) -> new LongAdder());
			}
			adder.add(n);
			this.count.add(n);
		}

	}

}
