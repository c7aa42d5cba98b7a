package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The replay store of client assertions (RFC 7523 §3 (7)): a {@code jti} is accepted once
 * per client while the assertion could still be valid. In PostgreSQL, so the rule holds
 * across every node; one statement per assertion.
 */
final class ClientAssertions {

	private static final String CLAIM = """
			INSERT INTO client_assertion (client_id, jti, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (client_id, jti) DO NOTHING""";

	/**
	 * {@link #CLAIM} in a statement of its own transaction that does not wait for its WAL
	 * flush: {@code set_config(..., true)} lasts until the end of the transaction, which
	 * is this one statement, and PostgreSQL reads {@code synchronous_commit} when it
	 * commits it. One round trip, where BEGIN, SET LOCAL, INSERT and COMMIT took three.
	 * <p>
	 * It needs no flush to keep its promise: whatever the assertion obtains (a token, a
	 * revocation) is committed synchronously afterwards, and PostgreSQL flushes the WAL
	 * in order, so that commit makes the earlier replay record durable too. Only an
	 * assertion that obtained nothing can lose its record in a crash, and replaying it
	 * gets at most the one answer it never got. This removes one of the two fsyncs of
	 * every token request (BENCHMARKS.md).
	 */
	static final String CLAIM_WITHOUT_FLUSH_WAIT = """
			WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
			INSERT INTO client_assertion (client_id, jti, expires_at)
			SELECT ?, ?, ? FROM no_flush_wait
			ON CONFLICT (client_id, jti) DO NOTHING""";

	/** Appended to either claim: the agent's version, read in the same statement. */
	private static final String READING_VERSION = " RETURNING " + AgentRegistry.ACTIVE_VERSION_FUNCTION + "(?)";

	/**
	 * RFC 7523 §3 (7): a jti must be remembered while its assertion could still be
	 * accepted. The purge compares with the database's clock, never the purging node's (a
	 * node whose clock runs ahead would forget jtis that another node still accepts), and
	 * keeps each record {@link #PURGE_MARGIN} past its expiry (which already includes the
	 * clock skew), for the nodes' clocks to differ from the database's.
	 */
	private static final String PURGE = "DELETE FROM client_assertion WHERE expires_at < now() - make_interval(secs => ?)";

	/** How long past its expiry (and skew) a replay record is kept. */
	static final Duration PURGE_MARGIN = Duration.ofMinutes(5);

	private final JdbcClient jdbc;

	ClientAssertions(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	/**
	 * Records the first use of an assertion. Outside a transaction, in one statement that
	 * commits without waiting for its WAL flush; inside one (never on the request path,
	 * where client authentication comes first), as part of it, so that the transaction's
	 * own commit stays synchronous.
	 * @param clientId the client
	 * @param jti the assertion's jti
	 * @param keepUntil until when the record must be kept (the assertion's expiry plus
	 * the clock skew)
	 * @return {@code true} on the first use, {@code false} on a replay
	 */
	boolean firstUse(String clientId, String jti, Instant keepUntil) {
		return this.jdbc.sql(claim()).params(clientId, jti, Timestamp.from(keepUntil)).update() == 1;
	}

	/**
	 * Outside a transaction, the claim that commits without waiting for its WAL flush;
	 * inside one, the plain claim, so that the transaction's own commit stays
	 * synchronous.
	 */
	private static String claim() {
		return TransactionSynchronizationManager.isActualTransactionActive() ? CLAIM : CLAIM_WITHOUT_FLUSH_WAIT;
	}

	/**
	 * Records the first use of an agent's assertion as {@link #firstUse} does and, in the
	 * same statement, reads the agent's version if it and every ancestor are active
	 * ({@link AgentRegistry#ACTIVE_VERSION_FUNCTION}): the read that confirms the agent
	 * an assertion was verified for, where it took a round trip of its own before the
	 * assertion was verified (issue 22). On a replay nothing is inserted, so nothing is
	 * returned and the version is not read.
	 * @param clientId the client (the agent's id)
	 * @param jti the assertion's jti
	 * @param keepUntil until when the record must be kept
	 * @param agentId the agent
	 * @return the first use and the version read with it, or a replay
	 */
	Use firstUseReadingVersion(String clientId, String jti, Instant keepUntil, AgentId agentId) {
		List<Long> versions = this.jdbc.sql(claim() + READING_VERSION)
			.params(clientId, jti, Timestamp.from(keepUntil), agentId.value())
			.query((rs, row) -> rs.getObject(1, Long.class))
			.list();
		return versions.isEmpty() ? Use.REPLAY : new Use(true, versions.get(0));
	}

	/**
	 * What {@link #firstUseReadingVersion} found.
	 *
	 * @param first whether this was the assertion's first use
	 * @param activeVersion the agent's version read with it, or {@code null} when it or
	 * an ancestor is not active (or on a replay)
	 */
	record Use(boolean first, Long activeVersion) {

		static final Use REPLAY = new Use(false, null);

	}

	/**
	 * Deletes the replay records expired more than {@link #PURGE_MARGIN} ago, by the
	 * database's clock.
	 * @return how many were deleted
	 */
	int purgeExpired() {
		return this.jdbc.sql(PURGE).param(PURGE_MARGIN.toSeconds()).update();
	}

}
