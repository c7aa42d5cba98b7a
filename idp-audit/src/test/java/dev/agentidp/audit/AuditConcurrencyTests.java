package dev.agentidp.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads and two "nodes" (two connection pools, two trails) appending to three
 * chains at once keep every chain gap-free and valid.
 */
@SpringBootTest(classes = AuditTestApplication.class, properties = "spring.datasource.hikari.maximum-pool-size=8")
class AuditConcurrencyTests extends AuditDatabaseTestSupport {

	static final List<String> CHAINS = List.of("agent-a", "agent-b", AuditEntry.SYSTEM_CHAIN);

	@Value("${spring.datasource.url}")
	String url;

	@Test
	void eightThreadsTimesFiveHundredAppendsOverThreeChainsStayGapFreeAndValid() throws Exception {
		try (HikariDataSource otherNode = new HikariDataSource()) {
			otherNode.setJdbcUrl(this.url);
			otherNode.setMaximumPoolSize(4);
			// a second application instance on the same database: its own pool, its own
			// trail, no shared Java lock
			AuditTrail second = new AuditTrail(otherNode,
					new AuditCheckpoints(JdbcClient.create(otherNode),
							new StaticListableBeanFactory().getBeanProvider(CheckpointSigner.class), Clock.systemUTC()),
					new DataSourceTransactionManager(otherNode), new SimpleMeterRegistry(), Clock.systemUTC());
			ExecutorService pool = Executors.newFixedThreadPool(8);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				AuditTrail node = (t % 2 == 0) ? this.trail : second;
				int thread = t;
				done.add(pool.submit(() -> {
					for (int i = 0; i < 500; i++) {
						String chain = CHAINS.get((thread + i) % CHAINS.size());
						node.append(new AuditEntry(chain, "client-" + thread, "token.issued", "jti-" + thread + "-" + i,
								Decision.ALLOW, null, Map.of("thread", thread, "i", i)));
					}
					return null;
				}));
			}
			for (Future<?> f : done) {
				f.get();
			}
			pool.shutdown();
		}
		assertThat(this.trail.verify(null)).isEqualTo(new AuditVerification.Valid(3, 4000));
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		for (String chain : CHAINS) {
			long count = jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = ?")
				.param(chain)
				.query(Long.class)
				.single();
			long max = jdbc.sql("SELECT max(seq) FROM audit_record WHERE chain = ?")
				.param(chain)
				.query(Long.class)
				.single();
			assertThat(max).as("gap-free " + chain).isEqualTo(count);
		}
		assertThat(jdbc.sql("SELECT count(*) FROM audit_record").query(Long.class).single()).isEqualTo(4000);
	}

}
