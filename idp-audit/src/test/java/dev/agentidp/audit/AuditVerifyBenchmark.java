package dev.agentidp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentidp.db.test.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Benchmark of {@code verify} (not a test; BENCHMARKS.md has the command): inserts
 * 1,000,000 records over 1,000 chains, every hash computed in Java by the rule and the
 * records inserted in JDBC batches, then verifies the whole trail three times as the API
 * does (one read-only repeatable-read transaction, streamed with a fetch size).
 * Arguments: records (default 1000000), chains (default 1000), {@code keep} to keep the
 * schema afterwards.
 */
public final class AuditVerifyBenchmark {

	private static final String INSERT = """
			INSERT INTO audit_record (chain, seq, occurred_at, actor, action, target, decision, reason, details_jcs,
			                          prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

	private AuditVerifyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int records = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
		int chains = (args.length > 1) ? Integer.parseInt(args[1]) : 1_000;
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		try (HikariDataSource dataSource = new HikariDataSource()) {
			dataSource.setJdbcUrl(schema.url() + "&reWriteBatchedInserts=true");
			dataSource.setUsername(schema.username());
			dataSource.setPassword(schema.password());
			dataSource.setMaximumPoolSize(2);
			long start = System.nanoTime();
			insert(dataSource, records, chains);
			System.out.printf("inserted %,d records over %,d chains in %.1f s (schema %s)%n", records, chains,
					(System.nanoTime() - start) / 1e9, schema.schema());
			JdbcClient.create(dataSource).sql("VACUUM ANALYZE audit_record").update();
			AuditTrail trail = new AuditTrail(dataSource,
					new AuditCheckpoints(JdbcClient.create(dataSource),
							new StaticListableBeanFactory().getBeanProvider(CheckpointSigner.class), Clock.systemUTC()),
					new DataSourceTransactionManager(dataSource), new SimpleMeterRegistry(), Clock.systemUTC());
			TransactionTemplate snapshot = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
			snapshot.setReadOnly(true);
			for (int run = 1; run <= 3; run++) {
				long t0 = System.nanoTime();
				AuditVerification result = snapshot.execute((tx) -> trail.verify(null));
				double seconds = (System.nanoTime() - t0) / 1e9;
				System.out.printf("verify run %d: %s in %.2f s = %,.0f records/s%n", run, result, seconds,
						records / seconds);
			}
			if (!(args.length > 2 && "keep".equals(args[2]))) {
				JdbcClient.create(dataSource).sql("DROP SCHEMA " + schema.schema() + " CASCADE").update();
			}
		}
	}

	private static void insert(HikariDataSource dataSource, int records, int chains) throws Exception {
		RecordHashing hashing = new RecordHashing();
		Map<String, String> prev = new HashMap<>();
		Map<String, Long> seqs = new HashMap<>();
		// an hour ago, a record a millisecond: within the months the trail has
		// partitions for (V26: last month to three ahead)
		long base = Instant.now().minusSeconds(3600).toEpochMilli();
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
				for (int i = 0; i < records; i++) {
					String chain = "00000000-0000-4000-8000-" + String.format("%012d", i % chains);
					long seq = seqs.merge(chain, 1L, Long::sum);
					String prevHash = prev.getOrDefault(chain, RecordHashing.GENESIS);
					Instant at = Instant.ofEpochMilli(base + i);
					String details = "{\"jti\":\"" + Long.toHexString(0x1000000000L + i) + "\",\"scope\":\"crm:read\"}";
					String actor = "client-" + (i % 97);
					String target = "jti-" + i;
					String hash = new String(hashing.hash(prevHash, chain, seq, at.toEpochMilli(), actor,
							"token.issued", target, "allow", null, details));
					insert.setString(1, chain);
					insert.setLong(2, seq);
					insert.setTimestamp(3, Timestamp.from(at));
					insert.setString(4, actor);
					insert.setString(5, "token.issued");
					insert.setString(6, target);
					insert.setString(7, "allow");
					insert.setString(8, null);
					insert.setString(9, details);
					insert.setString(10, prevHash);
					insert.setString(11, hash);
					insert.addBatch();
					prev.put(chain, hash);
					if ((i + 1) % 5000 == 0) {
						insert.executeBatch();
						connection.commit();
					}
				}
				insert.executeBatch();
			}
			try (PreparedStatement head = connection
				.prepareStatement("INSERT INTO audit_chain_head (chain, seq, hash) VALUES (?, ?, ?)")) {
				for (Map.Entry<String, String> entry : prev.entrySet()) {
					head.setString(1, entry.getKey());
					head.setLong(2, seqs.get(entry.getKey()));
					head.setString(3, entry.getValue());
					head.addBatch();
				}
				head.executeBatch();
			}
			connection.commit();
		}
	}

}
