package dev.agentidp.signals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The delivery worker, on every node: each {@code delivery-interval} it dispatches the
 * outbox (claimed with {@code FOR UPDATE SKIP LOCKED}, fanned out to the outlets and
 * marked dispatched in one transaction: a crash before the commit leaves the events to
 * the next run, on any node), then makes the deliveries that are due. It runs on a thread
 * of its own, so that a slow receiver delays no other scheduled work.
 */
final class SignalWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SignalWorker.class);

	private static final int OUTBOX_BATCH = 100;

	private static final Duration KEEP_DISPATCHED = Duration.ofHours(1);

	private static final Duration KEEP_FINISHED = Duration.ofDays(7);

	private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

	private final Outbox outbox;

	private final List<Outlet> outlets;

	private final TransactionTemplate transactions;

	private final SignalsProperties properties;

	private final Clock clock;

	private ScheduledExecutorService executor;

	private Instant lastPurge = Instant.EPOCH;

	SignalWorker(Outbox outbox, List<Outlet> outlets, TransactionTemplate transactions, SignalsProperties properties,
			Clock clock) {
		Assert.notNull(outbox, "outbox cannot be null");
		Assert.notNull(outlets, "outlets cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.outbox = outbox;
		this.outlets = List.copyOf(outlets);
		this.transactions = transactions;
		this.properties = properties;
		this.clock = clock;
	}

	/** One run: dispatch, deliver, and now and then purge. */
	void run() {
		try {
			while (dispatch() == OUTBOX_BATCH) {
				// more are waiting
			}
			for (Outlet outlet : this.outlets) {
				outlet.deliver(this.clock.instant());
			}
			Instant now = this.clock.instant();
			if (now.isAfter(this.lastPurge.plus(PURGE_EVERY))) {
				this.lastPurge = now;
				this.outbox.purgeDispatchedBefore(now.minus(KEEP_DISPATCHED));
				this.outlets.forEach((outlet) -> outlet.purge(now.minus(KEEP_FINISHED)));
			}
		}
		catch (RuntimeException ex) {
			// the next run retries: nothing is lost, the rows are where they were
			logger.warn("Outbound signals: the delivery run failed ({}); retrying at the next run", ex.toString());
		}
	}

	/** Dispatches one batch of the outbox; returns how many events it held. */
	int dispatch() {
		Integer dispatched = this.transactions.execute((status) -> {
			List<Outbox.Event> events = this.outbox.claim(OUTBOX_BATCH);
			Instant now = this.clock.instant();
			for (Outbox.Event event : events) {
				for (Outlet outlet : this.outlets) {
					outlet.queue(event, now);
				}
			}
			if (!events.isEmpty()) {
				this.outbox.dispatched(events.stream().map(Outbox.Event::id).toList(), now);
			}
			return events.size();
		});
		return (dispatched != null) ? dispatched : 0;
	}

	@Override
	public synchronized void start() {
		if (!this.properties.deliveryEnabled() || this.executor != null) {
			return;
		}
		this.executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("signals-worker").daemon(true).factory());
		long interval = this.properties.deliveryInterval().toMillis();
		this.executor.scheduleWithFixedDelay(this::run, interval, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			try {
				this.executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
