package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
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

	private static final String PURGE = "DELETE FROM client_assertion WHERE expires_at < ?";

	/**
	 * The replay record does not wait for its own WAL flush. It needs none to keep its
	 * promise: whatever the assertion obtains (a token, a revocation) is committed
	 * synchronously afterwards, and PostgreSQL flushes the WAL in order, so that commit
	 * makes the earlier replay record durable too. Only an assertion that obtained
	 * nothing can lose its record in a crash, and replaying it gets at most the one
	 * answer it never got. This removes one of the two fsyncs of every token request
	 * (BENCHMARKS.md).
	 */
	private static final String NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO OFF";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	ClientAssertions(JdbcClient jdbc, TransactionTemplate transactions) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Records the first use of an assertion.
	 * @param clientId the client
	 * @param jti the assertion's jti
	 * @param keepUntil until when the record must be kept (the assertion's expiry plus
	 * the clock skew)
	 * @return {@code true} on the first use, {@code false} on a replay
	 */
	boolean firstUse(String clientId, String jti, Instant keepUntil) {
		Boolean first = this.transactions.execute((status) -> {
			this.jdbc.sql(NO_FLUSH_WAIT).update();
			return this.jdbc.sql(CLAIM).params(clientId, jti, Timestamp.from(keepUntil)).update() == 1;
		});
		return Boolean.TRUE.equals(first);
	}

	int purgeExpiredBefore(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

}
