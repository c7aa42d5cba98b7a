package dev.agentidp.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Group commit of audited work (issue 16: "group appends from concurrent requests into
 * one transaction; no record may be acknowledged before it is durable"). A caller's work
 * waits in a queue; a committer thread takes every unit waiting (up to the group's
 * maximum), runs them one after the other in one transaction, appends their records with
 * {@link ChainAppender#appendAll} and commits once; only then does each caller get its
 * outcome. A committer starts a group as soon as one unit is waiting (no delay is added
 * when the provider is idle); under load, the units that arrive while a group commits
 * form the next one, so the commits (and their WAL flushes) per record fall as the load
 * rises. A group's units run sorted by {@link GroupedWork#lockOrder}, so that the rows
 * they lock are locked in the same order by every group.
 * <p>
 * One unit's failure does not fail the others: when a group's transaction fails, each of
 * its units runs again alone, in a transaction of its own. Work is therefore run inside a
 * transaction that may roll back and be retried, on a committer thread: it must change
 * nothing outside the database transaction and read nothing from the caller's thread. A
 * caller already in a transaction, or one arriving after {@link #close}, runs its work
 * alone in the current (or a new) transaction, as {@link AuditTrail#append} does.
 * <p>
 * Written by hand: Spring has no group commit, and PostgreSQL's own
 * ({@code commit_delay}) saves flushes but not the per-transaction statements and round
 * trips.
 */
final class GroupCommit implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommit.class);

	private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();

	private final ChainAppender appender;

	private final TransactionTemplate transactions;

	private final int maxGroup;

	private final List<Thread> committers;

	private final DistributionSummary groupSizes;

	private volatile boolean closed;

	/**
	 * @param appender appends the records
	 * @param transactions the transactions groups run in
	 * @param committers how many groups may commit at the same time
	 * @param maxGroup the most units in one group
	 * @param registry where group sizes are recorded
	 */
	GroupCommit(ChainAppender appender, TransactionTemplate transactions, int committers, int maxGroup,
			MeterRegistry registry) {
		Assert.notNull(appender, "appender cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.isTrue(committers > 0, "committers must be positive");
		Assert.isTrue(maxGroup > 0, "maxGroup must be positive");
		this.appender = appender;
		this.transactions = transactions;
		this.maxGroup = maxGroup;
		this.groupSizes = DistributionSummary.builder("idp.audit.group.size")
			.description("Audit records committed per group commit")
			.register(registry);
		List<Thread> threads = new ArrayList<>(committers);
		for (int i = 0; i < committers; i++) {
			threads.add(Thread.ofPlatform().name("audit-group-commit-" + i).daemon().start(this::commitGroups));
		}
		this.committers = List.copyOf(threads);
	}

	/**
	 * Runs work in a group's transaction, appends its record, and returns its outcome
	 * once the group has committed.
	 * @param <T> the outcome's type
	 * @param work the work; may run more than once (see the class comment)
	 * @return the outcome
	 */
	<T> T run(GroupedWork<T> work) {
		Assert.notNull(work, "work cannot be null");
		if (this.closed || TransactionSynchronizationManager.isActualTransactionActive()) {
			return alone(work.work());
		}
		Pending<T> pending = new Pending<>(work);
		this.queue.add(pending);
		if (this.closed && this.queue.remove(pending)) {
			// closed while queueing: no committer may be left to take it
			return alone(work.work());
		}
		return pending.await();
	}

	/**
	 * Runs several units, queued together so that they usually share one group, in their
	 * order, and returns their outcomes once they have committed; when one fails, its
	 * failure is thrown once every unit has settled.
	 * @param <T> the outcomes' type
	 * @param works the units
	 * @return their outcomes, in order
	 */
	<T> List<T> runAll(List<GroupedWork<T>> works) {
		Assert.notNull(works, "works cannot be null");
		List<T> outcomes = new ArrayList<>(works.size());
		if (this.closed || TransactionSynchronizationManager.isActualTransactionActive() || works.size() == 1) {
			for (GroupedWork<T> work : works) {
				outcomes.add(run(work));
			}
			return outcomes;
		}
		List<Pending<T>> pending = new ArrayList<>(works.size());
		works.forEach((work) -> pending.add(new Pending<>(work)));
		this.queue.addAll(pending);
		if (this.closed) {
			// closed while queueing: run alone whatever no committer will take
			for (Pending<T> unit : pending) {
				if (this.queue.remove(unit)) {
					unit.runAlone(this);
				}
			}
		}
		// every unit settled before the first failure is thrown: the caller sees the
		// others' outcome in the database when it hears of the failure
		RuntimeException first = null;
		for (Pending<T> unit : pending) {
			try {
				outcomes.add(unit.await());
			}
			catch (RuntimeException ex) {
				first = (first != null) ? first : ex;
			}
		}
		if (first != null) {
			throw first;
		}
		return outcomes;
	}

	private <T> T alone(Supplier<RecordedOutcome<T>> work) {
		return this.transactions.execute((tx) -> {
			RecordedOutcome<T> done = work.get();
			this.appender.append(done.entry());
			return done.outcome();
		});
	}

	private void commitGroups() {
		List<Pending<?>> group = new ArrayList<>(this.maxGroup);
		while (true) {
			Pending<?> first;
			try {
				first = this.queue.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				first = this.queue.poll();
			}
			if (first == null) {
				if (this.closed) {
					return;
				}
				continue;
			}
			group.add(first);
			this.queue.drainTo(group, this.maxGroup - 1);
			// stable: arrival order among units that lock the same row first
			group.sort(Comparator.comparing(Pending::lockOrder));
			commit(group);
			group.clear();
		}
	}

	private void commit(List<Pending<?>> group) {
		try {
			this.transactions.executeWithoutResult((tx) -> {
				List<AuditEntry> entries = new ArrayList<>(group.size());
				for (Pending<?> pending : group) {
					entries.add(pending.runWork());
				}
				this.appender.appendAll(entries);
			});
			this.groupSizes.record(group.size());
			group.forEach(Pending::complete);
		}
		catch (RuntimeException | Error ex) {
			if (group.size() == 1) {
				group.get(0).fail(ex);
				return;
			}
			logger.debug("A group of {} audited units failed; each runs again alone", group.size(), ex);
			for (Pending<?> pending : group) {
				try {
					this.transactions.executeWithoutResult((tx) -> this.appender.append(pending.runWork()));
					this.groupSizes.record(1);
					pending.complete();
				}
				catch (RuntimeException | Error alone) {
					pending.fail(alone);
				}
			}
		}
	}

	/** How many units wait for a committer. */
	int waiting() {
		return this.queue.size();
	}

	/**
	 * Lets the committers finish what is queued, then stops them; later work runs alone.
	 */
	@Override
	public void close() {
		this.closed = true;
		for (Thread committer : this.committers) {
			try {
				committer.join(TimeUnit.SECONDS.toMillis(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** A unit of work waiting for its group, and then for its group's commit. */
	private static final class Pending<T> {

		private final GroupedWork<T> work;

		private final CompletableFuture<T> done = new CompletableFuture<>();

		private RecordedOutcome<T> result;

		Pending(GroupedWork<T> work) {
			this.work = work;
		}

		String lockOrder() {
			return this.work.lockOrder();
		}

		AuditEntry runWork() {
			this.result = this.work.work().get();
			return this.result.entry();
		}

		void complete() {
			this.done.complete(this.result.outcome());
		}

		void runAlone(GroupCommit commit) {
			try {
				this.done.complete(commit.alone(this.work.work()));
			}
			catch (RuntimeException | Error ex) {
				fail(ex);
			}
		}

		void fail(Throwable ex) {
			this.done.completeExceptionally(ex);
		}

		T await() {
			try {
				return this.done.join();
			}
			catch (CompletionException ex) {
				Throwable cause = ex.getCause();
				if (cause instanceof RuntimeException runtime) {
					throw runtime;
				}
				if (cause instanceof Error error) {
					throw error;
				}
				throw new IllegalStateException(cause);
			}
		}

	}

}
