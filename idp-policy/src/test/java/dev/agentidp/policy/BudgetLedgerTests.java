package dev.agentidp.policy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.TokenRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger on a real PostgreSQL: a debit is atomic and never overspends, from any
 * number of threads on two "nodes" (two pools, two ledgers, one database), and a refused
 * debit changes nothing; a token inside sub-budgets carved at token exchange spends from
 * each of them and from the task's, all or none.
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

	@Test
	void debitWhenTheTokenIsInsideSubBudgetsThenEveryOneIsDebitedOrNone() {
		BudgetLedger ledger = new BudgetLedger(JdbcClient.create(this.first));
		TransactionTemplate transactions = transactions(this.first);
		AgentId root = AgentId.random();
		TokenRecord parent = token(this.first, root, null, null);
		TokenRecord child = token(this.first, root, parent, null);
		TokenRecord grandchild = token(this.first, root, child, null);
		ledger.carve(child.jti(), parent, "usd", new BigDecimal("3"));
		ledger.carve(grandchild.jti(), child, "usd", new BigDecimal("1"));
		// the grandchild spends from its own carve, its parent's and the task's
		BudgetState tightest = debit(transactions, ledger, grandchild, new BigDecimal("0.75")).orElseThrow();
		assertThat(tightest.limit()).isEqualByComparingTo("1");
		assertThat(tightest.spent()).isEqualByComparingTo("0.75");
		// its own carve refuses: nothing is debited anywhere
		assertThat(debit(transactions, ledger, grandchild, new BigDecimal("0.5"))).isEmpty();
		TokenBudget budgets = ledger.state(grandchild, BUDGET);
		assertThat(budgets.main().spent()).isEqualByComparingTo("0.75");
		assertThat(budgets.carves()).extracting((carve) -> carve.state().spent().toPlainString())
			.containsExactlyInAnyOrder("0.75", "0.75");
		assertThat(BudgetRule.check(BUDGET, budgets, new BigDecimal("0.5"), RiskLevel.LOW).orElseThrow().reasonAdmin())
			.contains("sub-budget of 1 carved for token " + grandchild.jti().value());
		// the child spends from its carve and the task's, not the grandchild's
		assertThat(debit(transactions, ledger, child, new BigDecimal("2"))).isPresent();
		assertThat(ledger.state(child, BUDGET).tightest().remaining()).isEqualByComparingTo("0.25");
		assertThat(ledger.state(grandchild, BUDGET).tightest().remaining()).isEqualByComparingTo("0.25");
		// the parent spends from the task's only
		assertThat(debit(transactions, ledger, parent, new BigDecimal("7"))).isPresent();
		assertThat(ledger.state(parent, BUDGET).carves()).isEmpty();
		assertThat(ledger.state(parent, BUDGET).main().spent()).isEqualByComparingTo("9.75");
		// the task's budget refuses the child although its carve has 0.25 left
		assertThat(debit(transactions, ledger, child, new BigDecimal("0.26"))).isEmpty();
		assertThat(ledger.state(child, BUDGET).carves().get(0).state().spent()).isEqualByComparingTo("2.75");
	}

	/**
	 * Issue 16: two nodes, 500 concurrent debits of 0.03 against a task's budget of 5.00
	 * (166 fit), from the root token (200), a sub-agent's token with a sub-budget of 2.00
	 * (150, 66 fit at most) and its sub-agent's with one of 1.00 (150, 33 at most): no
	 * budget is overspent, and every debit is in each budget it spends from.
	 */
	@Test
	void fiveHundredConcurrentDebitsOnTwoNodesNeverOverspendASubBudgetOrTheTask() throws Exception {
		BudgetPolicy budget = new BudgetPolicy("usd", new BigDecimal("5"), BigDecimal.ONE, new BigDecimal("100"));
		AgentId root = AgentId.random();
		TokenRecord parent = token(this.first, root, null, "shared-task");
		TokenRecord child = token(this.first, root, parent, "shared-task");
		TokenRecord grandchild = token(this.first, root, child, "shared-task");
		BudgetLedger[] nodes = { new BudgetLedger(JdbcClient.create(this.first)),
				new BudgetLedger(JdbcClient.create(this.second)) };
		TransactionTemplate[] transactions = { transactions(this.first), transactions(this.second) };
		nodes[0].carve(child.jti(), parent, "usd", new BigDecimal("2"));
		nodes[1].carve(grandchild.jti(), child, "usd", new BigDecimal("1"));
		BigDecimal cost = new BigDecimal("0.03");
		ExecutorService threads = Executors.newFixedThreadPool(32);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Boolean>> debits = new ArrayList<>();
		List<TokenRecord> spenders = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			TokenRecord token = (i % 10 < 4) ? parent : (i % 10 < 7) ? child : grandchild;
			spenders.add(token);
			BudgetLedger node = nodes[i % 2];
			TransactionTemplate transaction = transactions[i % 2];
			debits.add(threads.submit(() -> {
				start.await();
				return transaction.execute((status) -> node.debit(token, budget, cost, false)).isPresent();
			}));
		}
		start.countDown();
		int[] debited = new int[3];
		List<TokenRecord> order = List.of(parent, child, grandchild);
		for (int i = 0; i < 500; i++) {
			if (debits.get(i).get(60, TimeUnit.SECONDS)) {
				debited[order.indexOf(spenders.get(i))]++;
			}
		}
		threads.shutdown();
		assertThat(spenders).filteredOn(parent::equals).hasSize(200);
		assertThat(spenders).filteredOn(child::equals).hasSize(150);
		int total = debited[0] + debited[1] + debited[2];
		// the root token's 200 debits alone ask for more than the task has
		assertThat(total).isEqualTo(166);
		assertThat(debited[2]).isLessThanOrEqualTo(33);
		assertThat(debited[1] + debited[2]).isLessThanOrEqualTo(66);
		TokenBudget after = nodes[1].state(grandchild, budget);
		assertThat(after.main().spent()).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(total)));
		assertThat(after.main().spent()).isLessThanOrEqualTo(budget.perTask());
		for (TokenBudget.SubBudget carve : after.carves()) {
			int spentBy = carve.jti().equals(child.jti()) ? debited[1] + debited[2] : debited[2];
			assertThat(carve.state().spent()).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(spentBy)));
			assertThat(carve.state().spent()).isLessThanOrEqualTo(carve.state().limit());
		}
		assertThat(after.carves()).hasSize(2);
	}

	/**
	 * A token row as the token store keeps it, derived from a parent when one is given.
	 */
	private static TokenRecord token(HikariDataSource pool, AgentId root, TokenRecord parent, String task) {
		Jti jti = Jti.random();
		Jti rootJti = (parent != null) ? parent.family().rootJti() : jti;
		int depth = (parent != null) ? parent.family().depth() + 1 : 0;
		Instant now = Instant.now();
		JdbcClient.create(pool)
			.sql("INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, issued_at,"
					+ " expires_at, depth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(jti.value(), "client", root.toString(), (parent != null) ? parent.jti().value() : null,
					rootJti.value(), task, Timestamp.from(now), Timestamp.from(now.plusSeconds(600)), depth)
			.update();
		return new TokenRecord(jti, new TokenRecord.Holder(AgentId.random(), root.toString(), "client", null), Set.of(),
				List.of(), task, new TokenRecord.Family((parent != null) ? parent.jti() : null, rootJti, depth, null),
				new TokenRecord.Lifetime(now, now.plusSeconds(600), null), null, null);
	}

	/** A debit of a token, in a transaction as the decision recorder runs it. */
	private static Optional<BudgetState> debit(TransactionTemplate transactions, BudgetLedger ledger, TokenRecord token,
			BigDecimal cost) {
		return transactions.execute((status) -> ledger.debit(token, BUDGET, cost, false));
	}

	private static TransactionTemplate transactions(HikariDataSource pool) {
		return new TransactionTemplate(new JdbcTransactionManager(pool));
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
