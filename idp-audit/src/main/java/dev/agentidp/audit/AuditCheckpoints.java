package dev.agentidp.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * Signed checkpoints: a JWS over every chain's head, stored in an append-only table. The
 * scheduler ({@link AuditCheckpointScheduler}) makes one when the trail changed since the
 * latest (and at least daily, so the latest is always signed with a key still in
 * {@code /oauth2/jwks}); an advisory lock keeps two nodes from making the same one.
 * Transactions are the caller's ({@link AuditTrail} or the scheduler).
 */
final class AuditCheckpoints {

	private static final Logger logger = LoggerFactory.getLogger(AuditCheckpoints.class);

	/** Re-sign at least this often even when nothing changed. */
	static final Duration RESIGN_AFTER = Duration.ofHours(24);

	private static final long ADVISORY_LOCK_ID = 0x6964705f63686b70L;

	private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";

	private static final String HEADS = "SELECT chain, seq, hash FROM audit_chain_head WHERE seq > 0 ORDER BY chain";

	private static final String HEAD = "SELECT chain, seq, hash FROM audit_chain_head WHERE seq > 0 AND chain = ?";

	private static final String TOTALS = "SELECT count(*) AS chains, coalesce(sum(seq), 0) AS records FROM audit_chain_head WHERE seq > 0";

	private static final String INSERT = """
			INSERT INTO audit_checkpoint (created_at, chains, records, jws) VALUES (?, ?, ?, ?)""";

	private static final String LATEST = """
			SELECT created_at, chains, records, jws FROM audit_checkpoint ORDER BY id DESC LIMIT 1""";

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

	AuditCheckpoint create() {
		CheckpointSigner signer = this.signer.getIfAvailable();
		Assert.state(signer != null, "No CheckpointSigner is configured: checkpoints are disabled");
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		Map<String, Object> heads = new LinkedHashMap<>();
		long[] records = new long[1];
		this.jdbc.sql(HEADS).query((rs) -> {
			long seq = rs.getLong("seq");
			Map<String, Object> head = new LinkedHashMap<>();
			head.put("seq", seq);
			head.put("hash", rs.getString("hash"));
			heads.put(rs.getString("chain"), head);
			records[0] += seq;
		});
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iat", now.getEpochSecond());
		claims.put("heads", heads);
		String jws = signer.sign(claims);
		this.jdbc.sql(INSERT).params(now.atOffset(ZoneOffset.UTC), heads.size(), records[0], jws).update();
		return new AuditCheckpoint(jws, now, heads.size());
	}

	/**
	 * Makes a checkpoint when the trail changed since the latest one, or the latest is
	 * older than {@link #RESIGN_AFTER}; another node doing the same at the same time
	 * makes this one skip.
	 * @return the new checkpoint, or empty when none was needed
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
			.query((rs, row) -> new Stored(rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
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
					rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(), rs.getInt("chains")))
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
	 * The heads in the latest checkpoint, its signature verified.
	 * @param chain one chain, or {@code null} for all
	 * @return chain to head; empty when there is no checkpoint or no signer
	 * @throws IllegalArgumentException when the checkpoint does not verify
	 */
	Map<String, ChainHead> latestSignedHeads(String chain) {
		CheckpointSigner signer = this.signer.getIfAvailable();
		Optional<AuditCheckpoint> latest = latest();
		if (signer == null || latest.isEmpty()) {
			return Map.of();
		}
		Map<String, Object> claims = signer.verify(latest.get().checkpoint());
		if (!(claims.get("heads") instanceof Map<?, ?> heads)) {
			throw new IllegalArgumentException("the checkpoint has no heads");
		}
		Map<String, ChainHead> result = new HashMap<>();
		for (Map.Entry<?, ?> entry : heads.entrySet()) {
			String name = String.valueOf(entry.getKey());
			if (chain != null && !chain.equals(name)) {
				continue;
			}
			if (!(entry.getValue() instanceof Map<?, ?> head) || !(head.get("seq") instanceof Number seq)
					|| !(head.get("hash") instanceof String hash)) {
				throw new IllegalArgumentException("the checkpoint's head of chain " + name + " is malformed");
			}
			result.put(name, new ChainHead(seq.longValue(), hash));
		}
		return result;
	}

	private record Stored(Instant createdAt, int chains, long records, String jws) {
	}

}
