package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger on a real PostgreSQL: a debit is atomic and never overspends, from any
 * number of threads on two "nodes" (two pools, two ledgers, one database), and a refused
 * debit changes nothing.
 */
class BudgetLedgerTests {

	private static final BudgetPolicy BUDGET = new BudgetPolicy("usd", new BigDecimal("10"), new BigDecimal("0.9"),
			BigDecimal.ONE);

	private HikariDataSource first;

	private HikariDataSource second;

	@BeforeEach
	void nodes() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		this.first = pool(schema);
		this.second = pool(schema);
	}

	@AfterEach
	void close() {
		this.first.close();
		this.second.close();
	}

	@Test
	void debitWhenItFitsThenSpentGrowsAndWhenNotThenNothingChanges() {
		BudgetLedger ledger = new BudgetLedger(JdbcClient.create(this.first));
		BudgetKey key = BudgetKey.task(AgentId.random(), "task-1");
		assertThat(ledger.state(key, BUDGET).spent()).isEqualByComparingTo("0");
		assertThat(ledger.debit(key, BUDGET, new BigDecimal("9.98"), false).orElseThrow().spent())
			.isEqualByComparingTo("9.98");
		assertThat(ledger.debit(key, BUDGET, new BigDecimal("0.03"), false)).isEmpty();
		assertThat(ledger.state(key, BUDGET).spent()).isEqualByComparingTo("9.98");
		BudgetState last = ledger.debit(key, BUDGET, new BigDecimal("0.02"), false).orElseThrow();
		assertThat(last.spent()).isEqualByComparingTo("10");
		assertThat(last.remaining()).isEqualByComparingTo("0");
		assertThat(ledger.find(key.rootAgentId(), "task-1").orElseThrow().limit()).isEqualByComparingTo("10");
		assertThat(ledger.find(key.rootAgentId(), "task-2")).isEmpty();
	}

	@Test
	void debitWhenTheReserveIsReachedThenOnlyCallsItDoesNotApplyToAreDebited() {
		BudgetLedger ledger = new BudgetLedger(JdbcClient.create(this.first));
		BudgetKey key = BudgetKey.task(AgentId.random(), "task-1");
		assertThat(ledger.debit(key, BUDGET, new BigDecimal("9"), true)).isPresent();
		assertThat(ledger.debit(key, BUDGET, new BigDecimal("0.5"), true)).isEmpty();
		assertThat(ledger.debit(key, BUDGET, new BigDecimal("0.5"), false)).isPresent();
		assertThat(ledger.state(key, BUDGET).spent()).isEqualByComparingTo("9.5");
	}

	@Test
	void fiveHundredConcurrentDebitsOnTwoNodesNeverOverspend() throws Exception {
		BudgetLedger[] nodes = { new BudgetLedger(JdbcClient.create(this.first)),
				new BudgetLedger(JdbcClient.create(this.second)) };
		BudgetKey key = BudgetKey.task(AgentId.random(), "shared-task");
		// 500 debits of 0.03 ask for 15.00 of a budget of 10.00: 333 fit
		BigDecimal cost = new BigDecimal("0.03");
		ExecutorService threads = Executors.newFixedThreadPool(32);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Optional<BudgetState>>> debits = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			BudgetLedger node = nodes[i % 2];
			debits.add(threads.submit(() -> {
				start.await();
				return node.debit(key, BUDGET, cost, false);
			}));
		}
		start.countDown();
		int debited = 0;
		for (Future<Optional<BudgetState>> debit : debits) {
			Optional<BudgetState> state = debit.get(60, TimeUnit.SECONDS);
			if (state.isPresent()) {
				debited++;
				assertThat(state.get().spent()).isLessThanOrEqualTo(BUDGET.perTask());
			}
		}
		threads.shutdown();
		assertThat(debited).isEqualTo(333);
		BigDecimal spent = nodes[1].state(key, BUDGET).spent();
		assertThat(spent).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(333)));
		assertThat(spent).isLessThanOrEqualTo(BUDGET.perTask());
	}

	private static HikariDataSource pool(TestDatabase.Schema schema) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(schema.url());
		config.setUsername(schema.username());
		config.setPassword(schema.password());
		config.setMaximumPoolSize(8);
		return new HikariDataSource(config);
	}

}
