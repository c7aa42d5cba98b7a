package dev.agentidp.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Puts many rows into the provider's token store before the measured phases
 * ({@code --prefill-tokens N}), so that issuance and introspection are measured with the
 * store as a busy deployment has it (10 million rows, say). One {@code INSERT ...
 * SELECT ... FROM generate_series} per million rows, straight into {@code issued_token}
 * (the load generator depends on no project module): the columns a real row has, on
 * 100,000 agent ids no registered agent gets, and a mix the purge and the partitions must
 * live with: half expired within the last 55 minutes (kept: the purge drops a day only an
 * hour after its end), a fifth live and revoked, the rest live, expiring over the next 24
 * hours. The partitions of those days are made first
 * ({@code issued_token_ensure_partitions}, V25), as the provider's maintenance would.
 */
final class TokenPrefill {

	private static final int CHUNK = 1_000_000;

	private static final String ENSURE = """
			SELECT issued_token_ensure_partitions(((now() - interval '1 hour') AT TIME ZONE 'UTC')::date,
			                                      ((now() + interval '1 day') AT TIME ZONE 'UTC')::date)""";

	/**
	 * Rows {@code from} to {@code to}: the jti a random UUID (as {@code Jti.random}), the
	 * token hash the SHA-256 of it (no presented token matches it), the expiry by the
	 * row's number modulo 10 (0-4 expired, 5-6 revoked, 7-9 live).
	 */
	private static final String INSERT = """
			INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, scopes, audience, issued_at,
			    expires_at, revoked_at, revoked_why, agent_id, kid, token_hash, depth, owner, agent_version)
			SELECT r.jti, r.agent::text, r.agent::text, NULL, r.jti, 'bench-task-' || (i % 1000),
			    ARRAY['crm:read'], ARRAY['https://crm.example.com'], r.expires - interval '15 minutes', r.expires,
			    CASE WHEN i % 10 IN (5, 6) THEN now() - interval '1 minute' END,
			    CASE WHEN i % 10 IN (5, 6) THEN 'bench prefill' END,
			    r.agent, 'bench-prefill', sha256(convert_to(r.jti, 'UTF8')), 0, 'bench@example.com', 1
			FROM generate_series(?::bigint, ?::bigint) AS g(i),
			LATERAL (SELECT gen_random_uuid()::text AS jti,
			    ('00000000-0000-4000-9000-' || lpad((i % 100000)::text, 12, '0'))::uuid AS agent,
			    date_trunc('second', CASE WHEN i % 10 < 5 THEN now() - (i % 3300) * interval '1 second'
			        ELSE now() + interval '1 minute' + (i % 86000) * interval '1 second' END) AS expires) AS r
			""";

	private TokenPrefill() {
	}

	/**
	 * Inserts the rows and analyzes the table.
	 * @param jdbcUrl the provider's database
	 * @param rows how many
	 * @param log where progress goes
	 * @return the seconds it took
	 */
	static double prefill(String jdbcUrl, long rows, ProgressLog log) throws SQLException {
		long start = System.nanoTime();
		try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
			try (Statement statement = connection.createStatement()) {
				statement.execute(ENSURE);
			}
			try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
				for (long from = 1; from <= rows; from += CHUNK) {
					long to = Math.min(rows, from + CHUNK - 1);
					insert.setLong(1, from);
					insert.setLong(2, to);
					insert.executeUpdate();
					log.line("token store prefilled: %d of %d rows (%.0f s)", to, rows,
							(System.nanoTime() - start) / 1e9);
				}
			}
			try (Statement statement = connection.createStatement()) {
				// autovacuum analyzes the partitions, never the partitioned table itself
				// (PostgreSQL docs, 25.1.3): once here, for the plans across partitions
				statement.execute("VACUUM ANALYZE issued_token");
			}
		}
		return (System.nanoTime() - start) / 1e9;
	}

}
