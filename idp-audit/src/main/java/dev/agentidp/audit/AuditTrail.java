package dev.agentidp.audit;

import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The audit module's facade: appends records to the hash-chained trail
 * ({@link ChainAppender}), reads ({@link AuditSearch}), verifies and exports it
 * ({@link AuditStreams}), and makes signed checkpoints ({@link AuditCheckpoints})
 * (docs/audit.md "Contract").
 * <p>
 * {@link #append} joins the caller's transaction, so the record commits or rolls back
 * with the change it describes, and a failed append fails the caller; the chain's lock is
 * held until the caller commits, so callers append last. {@link #appendDenial} records in
 * a transaction of its own, which survives the caller's rollback (a denial changes
 * nothing else). {@link #appendGrouped} commits work and its record in a transaction
 * shared with concurrent callers ({@link GroupCommit}).
 */
public class AuditTrail {

	/**
	 * Records verify may hold back while waiting for their predecessors (bounds memory).
	 */
	private static final int MAX_PENDING = 100_000;

	/** The action of the alert record a refused checkpoint writes. */
	public static final String CHECKPOINT_REFUSED = "audit.checkpoint.refused";

	private static final Logger logger = LoggerFactory.getLogger(AuditTrail.class);

	private final ChainAppender appender;

	private final GroupCommit groups;

	private final AuditSearch search;

	private final AuditActivityQueries activity;

	private final AuditStreams streams;

	private final AuditCheckpoints checkpoints;

	private final AuditScans scans;

	private final TransactionTemplate snapshot;

	private final TransactionTemplate transactions;

	private final TransactionTemplate ownTransaction;

	private final MeterRegistry registry;

	/** The last checkpoint refusal recorded by this node (one record per new refusal). */
	private final AtomicReference<String> lastRefusal = new AtomicReference<>();

	/**
	 * @param dataSource the database
	 * @param checkpoints the checkpoint store
	 * @param transactionManager the application's transaction manager
	 * @param registry where the refusals are counted
	 * @param clock the clock records are stamped with
	 */
	AuditTrail(DataSource dataSource, AuditCheckpoints checkpoints, PlatformTransactionManager transactionManager,
			MeterRegistry registry, Clock clock) {
		this(dataSource, checkpoints, transactionManager, registry, clock, new AuditProperties.GroupCommit(2, 64));
	}

	/**
	 * @param dataSource the database
	 * @param checkpoints the checkpoint store
	 * @param transactionManager the application's transaction manager
	 * @param registry where the refusals are counted
	 * @param clock the clock records are stamped with
	 * @param groupCommit how {@link #appendGrouped} groups
	 */
	AuditTrail(DataSource dataSource, AuditCheckpoints checkpoints, PlatformTransactionManager transactionManager,
			MeterRegistry registry, Clock clock, AuditProperties.GroupCommit groupCommit) {
		Assert.notNull(dataSource, "dataSource cannot be null");
		Assert.notNull(checkpoints, "checkpoints cannot be null");
		Assert.notNull(transactionManager, "transactionManager cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		JdbcClient jdbc = JdbcClient.create(dataSource);
		this.appender = new ChainAppender(new JdbcTemplate(dataSource), clock, registry);
		this.search = new AuditSearch(jdbc);
		this.activity = new AuditActivityQueries(jdbc);
		this.streams = new AuditStreams(dataSource);
		this.checkpoints = checkpoints;
		this.scans = new AuditScans(registry);
		this.snapshot = new TransactionTemplate(transactionManager);
		this.snapshot.setReadOnly(true);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.transactions = new TransactionTemplate(transactionManager);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.registry = registry;
		this.groups = new GroupCommit(this.appender, this.transactions, groupCommit.committers(),
				groupCommit.maxGroup(), registry);
	}

	/**
	 * Appends a record in the caller's transaction (or in one of its own when there is
	 * none): it commits or rolls back with the caller's change, and an exception here
	 * must fail the caller's operation.
	 * @param entry what to record
	 * @return the record as stored
	 */
	@Transactional(propagation = Propagation.REQUIRED)
	public AuditRecord append(AuditEntry entry) {
		Assert.notNull(entry, "entry cannot be null");
		return insert(entry);
	}

	/**
	 * Appends a denial in a transaction of its own, so that it is kept when the caller's
	 * transaction rolls back.
	 * @param entry what to record (its decision is normally {@link Decision#DENY})
	 * @return the record as stored
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public AuditRecord appendDenial(AuditEntry entry) {
		Assert.notNull(entry, "entry cannot be null");
		return insert(entry);
	}

	/**
	 * Runs work and appends the record it ends in, committed in a transaction shared with
	 * the work of concurrent callers (group commit, {@link GroupCommit}); returns its
	 * outcome once that transaction has committed, so nothing is acknowledged before its
	 * record is durable. The work runs on a committer thread and may run twice (alone,
	 * when its group's transaction fails): it must change nothing but the database, in
	 * that transaction, and must not rely on the caller's thread. Called inside a
	 * transaction, it runs there instead, as {@link #append} does.
	 * @param <T> the outcome's type
	 * @param work the work and its record
	 * @return the work's outcome
	 */
	public <T> T appendGrouped(GroupedWork<T> work) {
		return this.groups.run(work);
	}

	/**
	 * Runs several units of work as {@link #appendGrouped} does, queued together so that
	 * they usually share one transaction, and returns their outcomes, in order, once they
	 * have committed.
	 * @param <T> the outcomes' type
	 * @param works the units of work, run in this order
	 * @return their outcomes, in the same order
	 */
	public <T> List<T> appendGroupedAll(List<GroupedWork<T>> works) {
		return this.groups.runAll(works);
	}

	/** How many units of grouped work wait for a committer (tests). */
	int waitingGroupedUnits() {
		return this.groups.waiting();
	}

	/**
	 * Lets queued grouped work commit, then stops the committers.
	 */
	void close() {
		this.groups.close();
	}

	/**
	 * Appends in the current transaction, or in one of its own: the head's row lock must
	 * be held from reading the head to writing the record.
	 */
	private AuditRecord insert(AuditEntry entry) {
		return this.transactions.execute((tx) -> this.appender.append(entry));
	}

	/**
	 * Sets who is told of committed records.
	 * @param observers the observers
	 */
	void setObservers(List<AuditObserver> observers) {
		this.appender.setObservers(observers);
	}

	/**
	 * Reads a page of records, newest first.
	 * @param query the filters and the page
	 * @return the page
	 * @throws InvalidAuditQueryException when the cursor cannot be read
	 */
	@Transactional(readOnly = true)
	public AuditPage find(AuditQuery query) {
		return this.search.find(query);
	}

	/**
	 * What happened over a time range, by hour, for charts ({@link AuditActivity}): the
	 * allowed records of one action and every denial, and the denials' most frequent
	 * reasons. Reads the index on {@code occurred_at} over that range only.
	 * @param from the start (rounded down to its hour)
	 * @param to the end (exclusive), at most 7 days after {@code from}
	 * @param action the action counted per hour (for example {@code token.issued})
	 * @param reasons how many reasons at most (1 to 50)
	 * @return the activity
	 */
	@Transactional(readOnly = true)
	public AuditActivity activity(Instant from, Instant to, String action, int reasons) {
		Assert.isTrue(from != null && to != null && from.isBefore(to), "from must be before to");
		Assert.isTrue(!to.isAfter(from.plus(Duration.ofDays(7))), "the range must be at most 7 days");
		Assert.hasText(action, "action cannot be empty");
		Assert.isTrue(reasons >= 1 && reasons <= 50, "reasons must be between 1 and 50");
		return this.activity.activity(from, to, action, reasons);
	}

	/**
	 * Verifies the whole trail or one chain in one consistent snapshot: every record's
	 * hash against its contents and its predecessor, the sequence gap-free from 1, each
	 * chain's end against its head; then the signed checkpoints, every one of them (each
	 * signature, each link to the one before, no chain dropped from one to the next), and
	 * that every head any checkpoint signed is still the record at that seq (which
	 * catches the rewrite or deletion of whole chains, even one a later checkpoint was
	 * made over). Streams the records: memory does not grow with the trail. One verify or
	 * export at a time per node (issue 14, item 13).
	 * @param chain one chain, or {@code null} for all
	 * @return valid, or where the first break is
	 * @throws AuditBusyException when another verify or export is running on this node
	 */
	public AuditVerification verify(String chain) {
		return this.scans.run("verify", () -> this.snapshot.execute((tx) -> {
			Map<String, ChainHead> heads = this.checkpoints.currentHeads(chain);
			SignedHeads signed;
			try {
				signed = this.checkpoints.signedHeads(chain);
			}
			catch (AuditCheckpoints.BrokenCheckpoint ex) {
				return ex.toResult();
			}
			return this.streams.verify(chain, heads, signed, MAX_PENDING);
		}));
	}

	/**
	 * Writes the trail (or one chain) as JSON Lines, ordered by chain and sequence
	 * number, each line a record with {@code seq}, {@code prevHash} and {@code hash} so
	 * that anyone can re-verify it. Streams from a database cursor: memory stays
	 * constant. One verify or export at a time per node (issue 14, item 13): nothing is
	 * written when another is running.
	 * @param chain one chain, or {@code null} for all
	 * @param out where to write (UTF-8); not closed
	 * @throws AuditBusyException when another verify or export is running on this node
	 */
	public void export(String chain, OutputStream out) {
		Assert.notNull(out, "out cannot be null");
		this.scans.run("export", () -> this.snapshot.execute((tx) -> {
			this.streams.write(chain, out);
			return null;
		}));
	}

	/**
	 * Makes a signed checkpoint of every chain's head now, linked to the latest one.
	 * @return the checkpoint
	 * @throws IllegalStateException when no {@link CheckpointSigner} is configured
	 * @throws AuditCheckpointRefusedException when the trail does not extend the latest
	 * checkpoint (recorded, counted and logged)
	 */
	public AuditCheckpoint createCheckpoint() {
		return checkpoint(this.checkpoints::create);
	}

	/**
	 * What the scheduler runs: a checkpoint when the trail changed.
	 * @return the new checkpoint, or empty when none was needed
	 * @throws AuditCheckpointRefusedException when the trail does not extend the latest
	 * checkpoint (recorded, counted and logged)
	 */
	Optional<AuditCheckpoint> createCheckpointIfChanged() {
		return checkpoint(this.checkpoints::createIfChanged);
	}

	private <T> T checkpoint(Supplier<T> create) {
		try {
			return this.transactions.execute((tx) -> create.get());
		}
		catch (AuditCheckpointRefusedException ex) {
			refused(ex);
			throw ex;
		}
	}

	/**
	 * A refused checkpoint: a WARN and a count every time, and an alert record on the
	 * {@code _system} chain (in a transaction of its own, the checkpoint's has rolled
	 * back) once per distinct refusal on this node, so that the scheduler, refused again
	 * every interval until an operator restores the trail, does not flood the trail.
	 */
	private void refused(AuditCheckpointRefusedException ex) {
		logger.warn("Audit checkpoint refused, the trail does not extend the latest signed checkpoint: {}",
				ex.getMessage());
		Counter.builder("idp.audit.checkpoint.refused")
			.description("Checkpoints refused because the trail no longer extends the latest signed checkpoint")
			.register(this.registry)
			.increment();
		if (!ex.getMessage().equals(this.lastRefusal.getAndSet(ex.getMessage()))) {
			Map<String, Object> details = new LinkedHashMap<>();
			if (ex.chain() != null) {
				details.put("chain", ex.chain());
			}
			AuditEntry alert = new AuditEntry(AuditEntry.SYSTEM_CHAIN, null, CHECKPOINT_REFUSED, ex.chain(),
					Decision.DENY, PrintableText.of(ex.getMessage(), 1024), details);
			this.ownTransaction.executeWithoutResult((tx) -> insert(alert));
		}
	}

	/**
	 * The newest checkpoint.
	 * @return it, or empty when none was made yet
	 */
	@Transactional(readOnly = true)
	public Optional<AuditCheckpoint> latestCheckpoint() {
		return this.checkpoints.latest();
	}

}
