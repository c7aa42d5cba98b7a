package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
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

	private final JdbcClient jdbc;

	ClientAssertions(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
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
		return this.jdbc.sql(CLAIM).params(clientId, jti, Timestamp.from(keepUntil)).update() == 1;
	}

	int purgeExpiredBefore(Instant cutoff) {
		return this.jdbc.sql(PURGE).param(Timestamp.from(cutoff)).update();
	}

}
