package dev.agentidp.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * Signed checkpoints: a JWS over every chain's head, stored in an append-only table, each
 * one linked to the one before it (issue 14, item 1). The payload is <pre>
 * {"iss", "iat", "seq": N, "prev": {"seq": N-1, "hash": hex SHA-256 of checkpoint N-1's JWS} (absent for N = 1),
 *  "heads": {"&lt;chain&gt;": {"seq": S, "hash": "…"}}}
 * </pre> {@code seq} is the checkpoint's place in the table (1, 2, …). A checkpoint is
 * made only over a trail that extends the previous one: every chain it held is still
 * there, and its record at the signed seq still has the signed hash; otherwise creation
 * is refused ({@link AuditCheckpointRefusedException}) rather than signing a rewrite.
 * Verify walks the whole checkpoint chain ({@link #signedHeads}). The scheduler
 * ({@link AuditCheckpointScheduler}) makes one when the trail changed since the latest
 * (and at least daily, so the latest is always signed with a key still in
 * {@code /oauth2/jwks}); an advisory lock keeps two nodes (or the scheduler and
 * {@code POST /admin/v1/audit/checkpoints}) from making two with the same seq.
 * Transactions are the caller's ({@link AuditTrail}).
 */
final class AuditCheckpoints {

	private static final Logger logger = LoggerFactory.getLogger(AuditCheckpoints.class);

	/** Re-sign at least this often even when nothing changed. */
	static final Duration RESIGN_AFTER = Duration.ofHours(24);

	private static final long ADVISORY_LOCK_ID = 0x6964705f63686b70L;

	private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";

	private static final String LOCK = "SELECT pg_advisory_xact_lock(?)::text";

	private static final String HEADS = "SELECT chain, seq, hash FROM audit_chain_head WHERE seq > 0 ORDER BY chain";

	private static final String HEAD = "SELECT chain, seq, hash FROM audit_chain_head WHERE seq > 0 AND chain = ?";

	private static final String TOTALS = "SELECT count(*) AS chains, coalesce(sum(seq), 0) AS records FROM audit_chain_head WHERE seq > 0";

	private static final String INSERT = """
			INSERT INTO audit_checkpoint (created_at, chains, records, jws) VALUES (?, ?, ?, ?)""";

	private static final String LATEST = """
			SELECT created_at, chains, records, jws FROM audit_checkpoint ORDER BY id DESC LIMIT 1""";

	private static final String COUNT = "SELECT count(*) FROM audit_checkpoint";

	private static final String ALL = "SELECT jws FROM audit_checkpoint ORDER BY id";

	/**
	 * The first signed head whose record is gone or has another hash: one index lookup
	 * per chain.
	 */
	private static final String FIRST_MISMATCH = """
			SELECT s.chain, s.seq, r.hash IS NULL AS gone
			FROM unnest(?::text[], ?::bigint[], ?::text[]) AS s (chain, seq, hash)
			LEFT JOIN audit_record r ON r.chain = s.chain COLLATE "C" AND r.seq = s.seq
			WHERE r.hash IS DISTINCT FROM s.hash
			ORDER BY s.chain COLLATE "C" LIMIT 1""";

	private final JdbcClient jdbc;

	private final ObjectProvider<CheckpointSigner> signer;

	private final Clock clock;

	AuditCheckpoints(JdbcClient jdbc, ObjectProvider<CheckpointSigner> signer, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(signer, "signer cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.signer = signer;
		this.clock = clock;
	}

	/**
	 * Whether checkpoints can be made (a {@link CheckpointSigner} exists).
	 * @return true when signing is available
	 */
	boolean enabled() {
		return this.signer.getIfAvailable() != null;
	}

	/**
	 * Makes the next checkpoint, after checking that the trail extends the latest one.
	 * @return the checkpoint
	 * @throws AuditCheckpointRefusedException when it does not
	 */
	AuditCheckpoint create() {
		CheckpointSigner signer = this.signer.getIfAvailable();
		Assert.state(signer != null, "No CheckpointSigner is configured: checkpoints are disabled");
		this.jdbc.sql(LOCK).param(ADVISORY_LOCK_ID).query(String.class).single();
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		long count = this.jdbc.sql(COUNT).query(Long.class).single();
		Map<String, Object> prev = null;
		Map<String, ChainHead> previousHeads = Map.of();
		if (count > 0) {
			String latest = this.jdbc.sql(LATEST).query((rs, row) -> rs.getString("jws")).single();
			Map<String, Object> claims;
			try {
				claims = signer.verify(latest);
				previousHeads = CheckpointChainWalk.heads(claims);
			}
			catch (IllegalArgumentException ex) {
				throw new AuditCheckpointRefusedException(null,
						"the latest checkpoint (" + count + ") does not verify: " + ex.getMessage());
			}
			if (claims.containsKey("seq") && !(claims.get("seq") instanceof Number seq && seq.longValue() == count)) {
				throw new AuditCheckpointRefusedException(null, "the latest checkpoint carries seq " + claims.get("seq")
						+ " but is number " + count + ": it is not the one made last");
			}
			prev = new LinkedHashMap<>();
			prev.put("seq", count);
			prev.put("hash", CheckpointChainWalk.sha256(latest));
		}
		Map<String, ChainHead> current = currentHeads(null);
		checkExtends(previousHeads, current);
		Map<String, Object> heads = new LinkedHashMap<>();
		long records = 0;
		for (Map.Entry<String, ChainHead> entry : new TreeMap<>(current).entrySet()) {
			Map<String, Object> head = new LinkedHashMap<>();
			head.put("seq", entry.getValue().seq());
			head.put("hash", entry.getValue().hash());
			heads.put(entry.getKey(), head);
			records += entry.getValue().seq();
		}
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iat", now.getEpochSecond());
		claims.put("seq", count + 1);
		if (prev != null) {
			// absent on the first (a JWT claim cannot be null)
			claims.put("prev", prev);
		}
		claims.put("heads", heads);
		String jws = signer.sign(claims);
		this.jdbc.sql(INSERT).params(now.atOffset(ZoneOffset.UTC), heads.size(), records, jws).update();
		return new AuditCheckpoint(jws, now, heads.size());
	}

	/**
	 * Every chain the previous checkpoint held is still there, at least as long, and its
	 * record at the signed seq still has the signed hash (a chain rewritten with
	 * consistent hashes has another one there).
	 */
	private void checkExtends(Map<String, ChainHead> previous, Map<String, ChainHead> current) {
		if (previous.isEmpty()) {
			return;
		}
		for (Map.Entry<String, ChainHead> entry : new TreeMap<>(previous).entrySet()) {
			ChainHead now = current.get(entry.getKey());
			if (now == null || now.seq() < entry.getValue().seq()) {
				throw new AuditCheckpointRefusedException(entry.getKey(), "chain " + entry.getKey()
						+ " is missing or behind: the latest checkpoint has its head at seq " + entry.getValue().seq()
						+ ((now != null) ? ", the trail at seq " + now.seq() : ", the trail has no head for it"));
			}
		}
		List<String> chains = new ArrayList<>(previous.size());
		List<Long> seqs = new ArrayList<>(previous.size());
		List<String> hashes = new ArrayList<>(previous.size());
		previous.forEach((chain, head) -> {
			chains.add(chain);
			seqs.add(head.seq());
			hashes.add(head.hash());
		});
		this.jdbc.sql(FIRST_MISMATCH)
			.params(chains.toArray(String[]::new), seqs.toArray(Long[]::new), hashes.toArray(String[]::new))
			.query((rs, row) -> new AuditCheckpointRefusedException(rs.getString("chain"),
					"chain " + rs.getString("chain") + " seq " + rs.getLong("seq")
							+ (rs.getBoolean("gone") ? " is gone"
									: " no longer has the hash the latest checkpoint signed")
							+ ": the chain was rewritten or deleted"))
			.optional()
			.ifPresent((refusal) -> {
				throw refusal;
			});
	}

	/**
	 * Makes a checkpoint when the trail changed since the latest one, or the latest is
	 * older than {@link #RESIGN_AFTER}; another node doing the same at the same time
	 * makes this one skip.
	 * @return the new checkpoint, or empty when none was needed
	 * @throws AuditCheckpointRefusedException when the trail does not extend the latest
	 */
	Optional<AuditCheckpoint> createIfChanged() {
		if (!enabled()) {
			return Optional.empty();
		}
		boolean locked = this.jdbc.sql(TRY_LOCK).param(ADVISORY_LOCK_ID).query(Boolean.class).single();
		if (!locked) {
			return Optional.empty();
		}
		long[] totals = this.jdbc.sql(TOTALS)
			.query((rs, row) -> new long[] { rs.getLong("chains"), rs.getLong("records") })
			.single();
		Optional<Stored> latest = this.jdbc.sql(LATEST)
			.query((rs, row) -> new Stored(rs.getObject("created_at", OffsetDateTime.class).toInstant(),
					rs.getInt("chains"), rs.getLong("records"), rs.getString("jws")))
			.optional();
		boolean changed = latest
			.map((stored) -> stored.chains() != totals[0] || stored.records() != totals[1]
					|| stored.createdAt().plus(RESIGN_AFTER).isBefore(this.clock.instant()))
			.orElse(totals[0] > 0);
		if (!changed) {
			return Optional.empty();
		}
		AuditCheckpoint checkpoint = create();
		logger.debug("Audit checkpoint made over {} chains", checkpoint.chains());
		return Optional.of(checkpoint);
	}

	Optional<AuditCheckpoint> latest() {
		return this.jdbc.sql(LATEST)
			.query((rs, row) -> new AuditCheckpoint(rs.getString("jws"),
					rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getInt("chains")))
			.optional();
	}

	/**
	 * The head of each chain (or of one) from the head table.
	 * @param chain one chain, or {@code null} for all
	 * @return chain to head
	 */
	Map<String, ChainHead> currentHeads(String chain) {
		Map<String, ChainHead> heads = new HashMap<>();
		var sql = (chain != null) ? this.jdbc.sql(HEAD).param(chain) : this.jdbc.sql(HEADS);
		sql.query((rs) -> {
			heads.put(rs.getString("chain"), new ChainHead(rs.getLong("seq"), rs.getString("hash")));
		});
		return heads;
	}

	/**
	 * Walks the whole checkpoint chain, oldest first: every checkpoint's signature, its
	 * {@code seq} (its place in the table: an old checkpoint re-inserted as the newest is
	 * out of place), its link to the one before ({@code prev}), and that no chain one
	 * checkpoint held is missing or shorter in the next. Checkpoints made before the
	 * chain existed (no {@code seq}) may only come first.
	 * @param chain one chain, or {@code null} for all
	 * @return every head the checkpoints signed, for the record scan to check; empty when
	 * there is no checkpoint or no signer
	 * @throws BrokenCheckpoint where the checkpoint chain breaks
	 */
	SignedHeads signedHeads(String chain) {
		CheckpointSigner signer = this.signer.getIfAvailable();
		if (signer == null) {
			return SignedHeads.none();
		}
		SignedHeads signed = new SignedHeads();
		CheckpointChainWalk walk = new CheckpointChainWalk();
		this.jdbc.sql(ALL).query((rs) -> {
			walk.next(signer, rs.getString(1), chain, signed);
		});
		return signed;
	}

	/**
	 * Where the checkpoint chain breaks.
	 */
	static final class BrokenCheckpoint extends RuntimeException {

		private final String chain;

		private final Long seq;

		private final long checkpoint;

		BrokenCheckpoint(String chain, Long seq, long checkpoint, String reason) {
			super(reason, null, false, false);
			this.chain = chain;
			this.seq = seq;
			this.checkpoint = checkpoint;
		}

		AuditVerification.Broken toResult() {
			return new AuditVerification.Broken(this.chain, this.seq, getMessage(), this.checkpoint);
		}

	}

	private record Stored(Instant createdAt, int chains, long records, String jws) {
	}

}
