package dev.agentidp.policy;

import java.sql.Timestamp;
import java.time.Instant;

import dev.agentidp.dpop.ReplayCheck;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Single use of the DPoP proofs presented to the policy decision point (RFC 9449 §11.1),
 * across every node: the provider's replay store ({@code client_assertion}, V4), keyed by
 * {@value #PREFIX}{@code <jkt>} so that a proof used at the token endpoint
 * ({@code dpop:<jkt>}) or a client assertion never collides with one used here. The token
 * module's purge deletes the rows once they expire.
 */
final class ProofReplays implements ReplayCheck {

	/** The key prefix of the PDP's proofs in the replay store. */
	static final String PREFIX = "pdp-dpop:";

	private static final String CLAIM_IN_TRANSACTION = """
			INSERT INTO client_assertion (client_id, jti, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (client_id, jti) DO NOTHING""";

	/**
	 * Outside a transaction: one statement that commits without waiting for its WAL
	 * flush, as the token module's client assertions do: the decision's audit record is
	 * committed synchronously afterwards, and PostgreSQL flushes the WAL in order.
	 */
	private static final String CLAIM = """
			WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
			INSERT INTO client_assertion (client_id, jti, expires_at)
			SELECT ?, ?, ? FROM no_flush_wait
			ON CONFLICT (client_id, jti) DO NOTHING""";

	private final JdbcClient jdbc;

	ProofReplays(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	@Override
	public boolean firstUse(String jkt, String jti, Instant keepUntil) {
		String claim = TransactionSynchronizationManager.isActualTransactionActive() ? CLAIM_IN_TRANSACTION : CLAIM;
		return this.jdbc.sql(claim).params(PREFIX + jkt, jti, Timestamp.from(keepUntil)).update() == 1;
	}

}
