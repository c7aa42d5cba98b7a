package dev.agentidp.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link AuditTrail#appendGrouped}: work of concurrent callers committed in shared
 * transactions keeps every chain gap-free and valid on two nodes, its database changes
 * commit with its record, an outcome is returned only after the commit, and one unit's
 * failure fails only that unit.
 */
@SpringBootTest(classes = AuditTestApplication.class, properties = "spring.datasource.hikari.maximum-pool-size=12")
class GroupCommitTests extends AuditDatabaseTestSupport {

	static final List<String> CHAINS = List.of("agent-g1", "agent-g2", "agent-g3", AuditEntry.SYSTEM_CHAIN);

	@Value("${spring.datasource.url}")
	String url;

	@Test
	void sixteenThreadsOnTwoNodesGroupTheirRecordsAndEveryChainStaysGapFreeAndValid() throws Exception {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		jdbc.sql("CREATE TABLE IF NOT EXISTS group_commit_work (id varchar(64) PRIMARY KEY)").update();
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (HikariDataSource otherNode = new HikariDataSource()) {
			otherNode.setJdbcUrl(this.url);
			otherNode.setMaximumPoolSize(6);
			AuditTrail first = trail(this.dataSource, meters, 2);
			AuditTrail second = trail(otherNode, new SimpleMeterRegistry(), 1);
			ExecutorService pool = Executors.newFixedThreadPool(16);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<String>>> done = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				AuditTrail node = (t % 2 == 0) ? first : second;
				JdbcClient nodeJdbc = JdbcClient.create((t % 2 == 0) ? this.dataSource : otherNode);
				int thread = t;
				done.add(pool.submit(() -> {
					start.await();
					List<String> outcomes = new ArrayList<>();
					for (int i = 0; i < 150; i++) {
						int n = i;
						String id = thread + "-" + i;
						String chain = CHAINS.get((thread + i) % CHAINS.size());
						String outcome = node.appendGrouped(GroupedWork.of(() -> {
							nodeJdbc.sql("INSERT INTO group_commit_work (id) VALUES (?)").param(id).update();
							return new RecordedOutcome<>(id, new AuditEntry(chain, "client-" + thread,
									"access.evaluated", id, Decision.ALLOW, null, Map.of("i", n)));
						}));
						// acknowledged only once durable: its row and its record are
						// committed
						assertThat(jdbc.sql("SELECT count(*) FROM audit_record WHERE target = ?")
							.param(id)
							.query(Long.class)
							.single()).isEqualTo(1);
						assertThat(jdbc.sql("SELECT count(*) FROM group_commit_work WHERE id = ?")
							.param(id)
							.query(Long.class)
							.single()).isEqualTo(1);
						outcomes.add(outcome);
					}
					return outcomes;
				}));
			}
			start.countDown();
			for (int t = 0; t < done.size(); t++) {
				assertThat(done.get(t).get()).hasSize(150).first().isEqualTo(t + "-0");
			}
			pool.shutdown();
			first.close();
			second.close();
		}
		for (String chain : CHAINS) {
			assertThat(this.trail.verify(chain)).isEqualTo(new AuditVerification.Valid(1, 600));
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
		// the records were grouped: fewer commits than records
		var sizes = meters.get("idp.audit.group.size").summary();
		assertThat((long) sizes.totalAmount()).isEqualTo(1200);
		assertThat(sizes.count()).isLessThan(1200);
		assertThat(sizes.max()).isGreaterThan(1);
	}

	@Test
	void aFailingUnitFailsAloneAndTheOthersOfItsGroupCommit() throws Exception {
		AuditTrail grouped = trail(this.dataSource, new SimpleMeterRegistry(), 1);
		List<GroupedWork<String>> works = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			int unit = i;
			works.add(GroupedWork.of(() -> {
				if (unit == 2) {
					throw new IllegalStateException("unit 2 fails");
				}
				return new RecordedOutcome<>("ok-" + unit, new AuditEntry("agent-fail", null, "access.evaluated",
						"unit-" + unit, Decision.ALLOW, null, Map.of()));
			}));
		}
		assertThatIllegalStateException().isThrownBy(() -> grouped.appendGroupedAll(works)).withMessage("unit 2 fails");
		List<String> targets = JdbcClient.create(this.dataSource)
			.sql("SELECT target FROM audit_record WHERE chain = 'agent-fail' ORDER BY seq")
			.query(String.class)
			.list();
		assertThat(targets).containsExactly("unit-0", "unit-1", "unit-3", "unit-4");
		assertThat(this.trail.verify("agent-fail")).isEqualTo(new AuditVerification.Valid(1, 4));
		grouped.close();
	}

	@Test
	void aGroupRunsItsUnitsInLockOrderKeepingArrivalOrderAmongEquals() throws Exception {
		AuditTrail grouped = trail(this.dataSource, new SimpleMeterRegistry(), 1);
		// the one committer is held inside a first unit while the others queue up, so
		// that they form the next group together
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(2);
		Future<String> blocker = callers.submit(() -> grouped.appendGrouped(GroupedWork.of(() -> {
			holding.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new RecordedOutcome<>("blocker",
					new AuditEntry("agent-order", null, "access.evaluated", "blocker", Decision.ALLOW, null, Map.of()));
		})));
		holding.await();
		List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
		List<GroupedWork<String>> works = new ArrayList<>();
		String[] orders = { "b", "a", "", "b", "a" };
		for (int i = 0; i < orders.length; i++) {
			String name = orders[i] + i;
			works.add(new GroupedWork<>(orders[i], () -> {
				ran.add(name);
				return new RecordedOutcome<>(name,
						new AuditEntry("agent-order", null, "access.evaluated", name, Decision.ALLOW, null, Map.of()));
			}));
		}
		Future<List<String>> outcomes = callers.submit(() -> grouped.appendGroupedAll(works));
		while (ran.isEmpty() && !outcomes.isDone() && waitingUnits(grouped) < works.size()) {
			Thread.sleep(5);
		}
		release.countDown();
		assertThat(blocker.get()).isEqualTo("blocker");
		// answered in the callers' order, run in lock order
		assertThat(outcomes.get()).containsExactly("b0", "a1", "2", "b3", "a4");
		assertThat(ran).containsExactly("2", "a1", "a4", "b0", "b3");
		assertThat(this.trail.verify("agent-order")).isEqualTo(new AuditVerification.Valid(1, 6));
		callers.shutdown();
		grouped.close();
	}

	private static int waitingUnits(AuditTrail trail) {
		return trail.waitingGroupedUnits();
	}

	@Test
	void insideACallersTransactionTheWorkRunsThereAndRollsBackWithIt() {
		AuditTrail grouped = trail(this.dataSource, new SimpleMeterRegistry(), 1);
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		transactions.executeWithoutResult((tx) -> {
			assertThat(grouped
				.appendGrouped(GroupedWork.of(() -> new RecordedOutcome<>("inside", new AuditEntry("agent-inside", null,
						"access.evaluated", "inside", Decision.ALLOW, null, Map.of())))))
				.isEqualTo("inside");
			tx.setRollbackOnly();
		});
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT count(*) FROM audit_record WHERE chain = 'agent-inside'")
			.query(Long.class)
			.single()).isZero();
		grouped.close();
	}

	@Test
	void afterCloseWorkStillCommitsAlone() {
		AuditTrail grouped = trail(this.dataSource, new SimpleMeterRegistry(), 1);
		grouped.close();
		assertThatIllegalStateException().isThrownBy(() -> grouped.appendGrouped(GroupedWork.<String>of(() -> {
			throw new IllegalStateException("refused");
		})));
		assertThat(grouped.appendGroupedAll(List.of(
				GroupedWork.of(() -> new RecordedOutcome<>(1,
						new AuditEntry("agent-closed", null, "a.b", null, Decision.ALLOW, null, Map.of()))),
				GroupedWork.of(() -> new RecordedOutcome<>(2,
						new AuditEntry("agent-closed", null, "a.b", null, Decision.ALLOW, null, Map.of()))))))
			.containsExactly(1, 2);
		assertThat(this.trail.verify("agent-closed")).isEqualTo(new AuditVerification.Valid(1, 2));
	}

	private static AuditTrail trail(javax.sql.DataSource dataSource, SimpleMeterRegistry meters, int committers) {
		return new AuditTrail(dataSource,
				new AuditCheckpoints(JdbcClient.create(dataSource),
						new StaticListableBeanFactory().getBeanProvider(CheckpointSigner.class), Clock.systemUTC()),
				new DataSourceTransactionManager(dataSource), meters, Clock.systemUTC(),
				new AuditProperties.GroupCommit(committers, 64));
	}

}
