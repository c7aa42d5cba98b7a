package dev.agentidp.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
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
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The audit module's facade: appends records to the hash-chained trail, reads, verifies
 * and exports it, and makes signed checkpoints (docs/audit.md "Contract").
 * <p>
 * <b>Append</b> is one SQL statement: it takes the chain's head row (its row lock
 * serialises the appends of one chain across threads and nodes, while different chains do
 * not contend), computes the new hash in PostgreSQL ({@code sha256}) over the canonical
 * record that Java prepared around the sequence number, advances the head and inserts the
 * record. {@link #append} joins the caller's transaction, so the record commits or rolls
 * back with the change it describes, and a failed append fails the caller; the chain's
 * lock is held until the caller commits, so callers append last. {@link #appendDenial}
 * records in a transaction of its own, which survives the caller's rollback (a denial
 * changes nothing else).
 */
public class AuditTrail {

	private static final int STREAM_FETCH_SIZE = 2000;

	private static final String APPEND = """
			WITH head AS (
			    UPDATE audit_chain_head
			       SET seq = seq + 1,
			           prev_hash = hash,
			           hash = encode(sha256(convert_to(hash || chr(10) || ? || (seq + 1)::text || ?, 'UTF8')), 'hex')
			     WHERE chain = ?
			    RETURNING chain, seq, prev_hash, hash)
			INSERT INTO audit_record (chain, seq, occurred_at, actor, action, target, decision, reason, details,
			                          prev_hash, hash)
			SELECT chain, seq, ?, ?, ?, ?, ?, ?, ?::jsonb, prev_hash, hash FROM head
			RETURNING seq, prev_hash, hash""";

	private static final String INSERT_HEAD = """
			INSERT INTO audit_chain_head (chain, seq, prev_hash, hash) VALUES (?, 0, NULL, ?)
			ON CONFLICT (chain) DO NOTHING""";

	private static final String COLUMNS = """
			SELECT chain, seq, (extract(epoch FROM occurred_at) * 1000)::bigint AS occurred_ms, actor, action, target,
			       decision, reason, details::text AS details, prev_hash, hash
			FROM audit_record""";

	private static final String ORDER_NEWEST_FIRST = " ORDER BY occurred_at DESC, chain DESC, seq DESC LIMIT ?";

	private static final String STREAM_ALL = COLUMNS + " ORDER BY chain, seq";

	private static final String STREAM_CHAIN = COLUMNS + " WHERE chain = ? ORDER BY seq";

	private static final String SCAN_ALL = COLUMNS;

	private static final String SCAN_CHAIN = COLUMNS + " WHERE chain = ?";

	/**
	 * Records verify may hold back while waiting for their predecessors (bounds memory).
	 */
	private static final int MAX_PENDING = 100_000;

	private static final String CURSOR_PREFIX = "v1:";

	/** The action of the alert record a refused checkpoint writes. */
	public static final String CHECKPOINT_REFUSED = "audit.checkpoint.refused";

	private static final Logger logger = LoggerFactory.getLogger(AuditTrail.class);

	private final JdbcClient jdbc;

	private final JdbcClient streaming;

	private final AuditCheckpoints checkpoints;

	private final AuditScans scans;

	private final TransactionTemplate snapshot;

	private final TransactionTemplate transactions;

	private final TransactionTemplate ownTransaction;

	private final MeterRegistry registry;

	private final Clock clock;

	private List<AuditObserver> observers = List.of();

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
		Assert.notNull(dataSource, "dataSource cannot be null");
		Assert.notNull(checkpoints, "checkpoints cannot be null");
		Assert.notNull(transactionManager, "transactionManager cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = JdbcClient.create(dataSource);
		JdbcTemplate cursor = new JdbcTemplate(dataSource);
		cursor.setFetchSize(STREAM_FETCH_SIZE);
		this.streaming = JdbcClient.create(cursor);
		this.checkpoints = checkpoints;
		this.scans = new AuditScans(registry);
		this.snapshot = new TransactionTemplate(transactionManager);
		this.snapshot.setReadOnly(true);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.transactions = new TransactionTemplate(transactionManager);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.registry = registry;
		this.clock = clock;
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

	private AuditRecord insert(AuditEntry entry) {
		Instant at = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		String time = RecordHashing.formatTime(at);
		String details = CanonicalJson.write(entry.details());
		StringBuilder prefix = new StringBuilder(256);
		RecordHashing.appendPrefix(prefix, entry.chain(), time, entry.actor(), entry.action(), entry.decision().value(),
				entry.reason(), details);
		StringBuilder suffix = new StringBuilder(64);
		RecordHashing.appendSuffix(suffix, entry.target());
		OffsetDateTime occurredAt = at.atOffset(ZoneOffset.UTC);
		for (int attempt = 0; attempt < 2; attempt++) {
			Optional<AuditRecord> record = this.jdbc.sql(APPEND)
				.params(prefix.toString(), suffix.toString(), entry.chain(), occurredAt, entry.actor(), entry.action(),
						entry.target(), entry.decision().value(), entry.reason(), details)
				.query((rs, row) -> new AuditRecord(entry.chain(), rs.getLong("seq"), at, entry.actor(), entry.action(),
						entry.target(), entry.decision(), entry.reason(), entry.details(), rs.getString("prev_hash"),
						rs.getString("hash")))
				.optional();
			if (record.isPresent()) {
				observe(record.get());
				return record.get();
			}
			// the chain's first record: create its head, then append under its lock
			this.jdbc.sql(INSERT_HEAD).params(entry.chain(), RecordHashing.GENESIS).update();
		}
		throw new IllegalStateException("Cannot create the head of audit chain " + entry.chain());
	}

	/**
	 * Sets who is told of committed records.
	 * @param observers the observers
	 */
	void setObservers(List<AuditObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	private void observe(AuditRecord record) {
		if (this.observers.isEmpty()) {
			return;
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					notifyObservers(record);
				}
			});
		}
		else {
			notifyObservers(record);
		}
	}

	private void notifyObservers(AuditRecord record) {
		for (AuditObserver observer : this.observers) {
			observer.recorded(record);
		}
	}

	/**
	 * Reads a page of records, newest first.
	 * @param query the filters and the page
	 * @return the page
	 * @throws InvalidAuditQueryException when the cursor cannot be read
	 */
	@Transactional(readOnly = true)
	public AuditPage find(AuditQuery query) {
		Assert.notNull(query, "query cannot be null");
		StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE true");
		List<Object> params = new ArrayList<>();
		if (query.chain() != null) {
			sql.append(" AND chain = ?");
			params.add(query.chain());
		}
		if (query.actor() != null) {
			sql.append(" AND actor = ?");
			params.add(query.actor());
		}
		if (query.action() != null) {
			sql.append(" AND action = ?");
			params.add(query.action());
		}
		if (query.decision() != null) {
			sql.append(" AND decision = ?");
			params.add(query.decision().value());
		}
		if (query.from() != null) {
			sql.append(" AND occurred_at >= ?");
			params.add(query.from().atOffset(ZoneOffset.UTC));
		}
		if (query.to() != null) {
			sql.append(" AND occurred_at < ?");
			params.add(query.to().atOffset(ZoneOffset.UTC));
		}
		if (query.cursor() != null) {
			Cursor cursor = Cursor.decode(query.cursor());
			sql.append(" AND (occurred_at, chain, seq) < (?, ?, ?)");
			params.add(Instant.ofEpochMilli(cursor.occurredAtMillis()).atOffset(ZoneOffset.UTC));
			params.add(cursor.chain());
			params.add(cursor.seq());
		}
		sql.append(ORDER_NEWEST_FIRST);
		params.add(query.limit() + 1);
		List<AuditRecord> records = this.jdbc.sql(sql.toString()).params(params).query(AuditTrail::map).list();
		if (records.size() <= query.limit()) {
			return new AuditPage(records, null);
		}
		List<AuditRecord> page = records.subList(0, query.limit());
		AuditRecord last = page.get(page.size() - 1);
		return new AuditPage(page, new Cursor(last.occurredAt().toEpochMilli(), last.seq(), last.chain()).encode());
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
			return verify(chain, heads, signed, MAX_PENDING);
		}));
	}

	/**
	 * Verifies in physical order, falling back to index order when too many records
	 * arrive before their predecessors. Runs in the caller's snapshot.
	 */
	AuditVerification verify(String chain, Map<String, ChainHead> heads, SignedHeads signed, int maxPending) {
		HeapOrderVerifier scan = new HeapOrderVerifier(heads, signed, maxPending);
		try {
			if (chain == null) {
				this.streaming.sql(SCAN_ALL).query(scan);
			}
			else {
				this.streaming.sql(SCAN_CHAIN).param(chain).query(scan);
			}
			return scan.result();
		}
		catch (HeapOrderVerifier.TooManyPending ex) {
			TrailVerifier verifier = new TrailVerifier(heads, signed);
			if (chain == null) {
				this.streaming.sql(STREAM_ALL).query(verifier);
			}
			else {
				this.streaming.sql(STREAM_CHAIN).param(chain).query(verifier);
			}
			return verifier.result();
		}
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
			write(chain, out);
			return null;
		}));
	}

	private void write(String chain, OutputStream out) {
		Writer writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
				64 * 1024);
		StringBuilder line = new StringBuilder(512);
		org.springframework.jdbc.core.RowCallbackHandler handler = (rs) -> {
			line.setLength(0);
			CanonicalJson.write(line, map(rs, 0).toJson());
			line.append('\n');
			try {
				writer.append(line);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
		if (chain == null) {
			this.streaming.sql(STREAM_ALL).query(handler);
		}
		else {
			this.streaming.sql(STREAM_CHAIN).param(chain).query(handler);
		}
		try {
			writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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

	@SuppressWarnings("unchecked")
	static AuditRecord map(ResultSet rs, int row) throws SQLException {
		String decision = rs.getString("decision");
		Object details = CanonicalJson.parse(rs.getString("details"));
		return new AuditRecord(rs.getString("chain"), rs.getLong("seq"),
				Instant.ofEpochMilli(rs.getLong("occurred_ms")), rs.getString("actor"), rs.getString("action"),
				rs.getString("target"), "allow".equals(decision) ? Decision.ALLOW : Decision.DENY,
				rs.getString("reason"), (details instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of(),
				rs.getString("prev_hash"), rs.getString("hash"));
	}

	/**
	 * The position after the last record of a page: opaque to clients.
	 */
	private record Cursor(long occurredAtMillis, long seq, String chain) {

		String encode() {
			String raw = CURSOR_PREFIX + this.occurredAtMillis + ":" + this.seq + ":" + this.chain;
			return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
		}

		static Cursor decode(String cursor) {
			try {
				String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
				if (!raw.startsWith(CURSOR_PREFIX)) {
					throw new IllegalArgumentException("unknown cursor version");
				}
				String[] parts = raw.substring(CURSOR_PREFIX.length()).split(":", 3);
				if (parts.length != 3 || parts[2].isEmpty()) {
					throw new IllegalArgumentException("malformed cursor");
				}
				long occurredAt = Long.parseLong(parts[0]);
				// within PostgreSQL's timestamps (a cursor this API made always is)
				if (!AuditQuery.inRange(Instant.ofEpochMilli(occurredAt))) {
					throw new IllegalArgumentException("cursor time out of range");
				}
				return new Cursor(occurredAt, Long.parseLong(parts[1]), parts[2]);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidAuditQueryException("cursor", "The cursor is not one this API returned");
			}
		}

	}

}
