package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import dev.agentidp.registry.AgentId;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.TokenRecord;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The budget ledger ({@code budget_ledger}, V12): one row per root agent and task, shared
 * by every node. A debit is one conditional {@code UPDATE … WHERE spent + cost <= limit
 * … RETURNING}: PostgreSQL's row lock serializes debits of one ledger across every node,
 * and each re-checks the condition on the row as the one before left it, so no number of
 * concurrent debits can overspend, and a refused debit changes nothing.
 * <p>
 * Sub-budgets ({@code budget_carve}, V13) are carved at token exchange for a derived
 * token; that token and every token derived from it spend from the carve and from the
 * main ledger. Such a debit locks the token's carves first, in {@code jti} order, checks
 * that the cost fits in each, debits the main ledger as above, then the carves: every
 * debit that touches carves takes its row locks in the same order (carves by {@code jti},
 * then the main ledger), so debits cannot deadlock, and a refusal by any budget changes
 * none.
 */
final class BudgetLedger {

	/**
	 * The carves of a token and of its ancestors: the token store's parent chain
	 * ({@code issued_token.parent_jti}), walked up from the token (a chain is at most the
	 * root's delegation depth, bounded here at 64 all the same).
	 */
	private static final String CARVES = """
			WITH RECURSIVE chain(jti, parent_jti, depth) AS (
			    SELECT jti, parent_jti, 0 FROM issued_token WHERE jti = :jti
			    UNION ALL
			    SELECT t.jti, t.parent_jti, c.depth + 1 FROM issued_token t JOIN chain c ON t.jti = c.parent_jti
			    WHERE c.depth < 64)
			SELECT b.jti, b.unit, b.limit_amount, b.spent FROM budget_carve b JOIN chain c ON b.jti = c.jti
			ORDER BY b.jti
			""";

	private static final String CARVES_LOCKED = CARVES + " FOR UPDATE OF b";

	private static final String LOCK_MAIN = "SELECT spent FROM budget_ledger WHERE root_agent_id = ? AND ledger_key = ?"
			+ " FOR UPDATE";

	private static final String ENSURE_ROW = "INSERT INTO budget_ledger (root_agent_id, ledger_key, unit, limit_amount,"
			+ " spent) VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING";

	private static final String DEBIT_CARVES = "UPDATE budget_carve SET spent = spent + :cost, updated_at = now()"
			+ " WHERE jti IN (:jtis) AND spent + :cost <= limit_amount";

	/**
	 * The carve, with its token's expiry read from the token's row (written in this
	 * transaction): the carve references the row by (jti, expires_at), the token store's
	 * key since it is partitioned by expiry day (V25).
	 */
	private static final String CARVE = "INSERT INTO budget_carve (jti, expires_at, parent_jti, root_agent_id,"
			+ " ledger_key, unit, limit_amount) SELECT t.jti, t.expires_at, ?, ?, ?, ?, ? FROM issued_token t"
			+ " WHERE t.jti = ?";

	private final JdbcClient jdbc;

	/**
	 * @param jdbc the database
	 */
	public BudgetLedger(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	/**
	 * The state of a ledger under a policy (nothing spent when it has no row yet).
	 * @param key the ledger
	 * @param policy the budget
	 * @return its state
	 */
	public BudgetState state(BudgetKey key, BudgetPolicy policy) {
		Assert.notNull(key, "key cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		BigDecimal spent = this.jdbc.sql("SELECT spent FROM budget_ledger WHERE root_agent_id = ? AND ledger_key = ?")
			.params(key.rootAgentId().value(), key.key())
			.query(BigDecimal.class)
			.optional()
			.orElse(BigDecimal.ZERO);
		return new BudgetState(policy.unit(), policy.perTask(), spent);
	}

	/**
	 * Every budget a token spends from, as they are (nothing spent from a main ledger
	 * without a row yet).
	 * @param token the token's row
	 * @param policy the budget of its root agent
	 * @return the main ledger and the carves of the token and its ancestors
	 */
	public TokenBudget state(TokenRecord token, BudgetPolicy policy) {
		Assert.notNull(token, "token cannot be null");
		return new TokenBudget(state(BudgetKey.of(token), policy), carves(token, CARVES));
	}

	/**
	 * Debits a cost from every budget a token spends from, or from none: the main ledger
	 * as {@link #debit(BudgetKey, BudgetPolicy, BigDecimal, boolean)} does, and each
	 * carve of the token and of its ancestors only when the cost fits in it. Runs in the
	 * caller's transaction, which holds the carves' row locks until it ends.
	 * @param token the token's row
	 * @param policy the budget of its root agent
	 * @param cost the cost, positive
	 * @param reserved whether the main ledger's reserve applies to this call
	 * @return the tightest budget after the debit ({@link TokenBudget#tightest}), or
	 * empty when nothing was debited
	 */
	public Optional<BudgetState> debit(TokenRecord token, BudgetPolicy policy, BigDecimal cost, boolean reserved) {
		Assert.notNull(token, "token cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		Assert.isTrue(cost != null && cost.signum() > 0, "cost must be positive");
		// the carves' row locks must hold until the main ledger and they are debited
		Assert.state(TransactionSynchronizationManager.isActualTransactionActive(),
				"a debit of a token runs in a transaction");
		BudgetKey key = BudgetKey.of(token);
		if (token.family().parentJti() != null) {
			// lock order, the same for every debit (and for a group of them, sorted by
			// main ledger: DecisionRecorder): the main ledger's row first, then the
			// carves by jti; so no two transactions can wait for each other's rows
			ensureRow(key, policy);
			this.jdbc.sql(LOCK_MAIN).params(key.rootAgentId().value(), key.key()).query(BigDecimal.class).optional();
		}
		List<TokenBudget.SubBudget> carves = carves(token, CARVES_LOCKED);
		if (!carves.stream().allMatch((carve) -> carve.fits(cost))) {
			return Optional.empty();
		}
		Optional<BudgetState> main = debit(key, policy, cost, reserved);
		if (main.isEmpty() || carves.isEmpty()) {
			return main;
		}
		// the carves are locked and the cost fits in each: every row is debited
		int debited = this.jdbc.sql(DEBIT_CARVES)
			.param("cost", cost)
			.param("jtis", carves.stream().map((carve) -> carve.jti().value()).toList())
			.update();
		Assert.state(debited == carves.size(), "a locked sub-budget refused a debit that fits");
		List<TokenBudget.SubBudget> after = carves.stream()
			.map((carve) -> new TokenBudget.SubBudget(carve.jti(),
					new BudgetState(carve.state().unit(), carve.state().limit(), carve.state().spent().add(cost))))
			.toList();
		return Optional.of(new TokenBudget(main.get(), after).tightest());
	}

	/**
	 * Carves a sub-budget for a derived token, in the transaction that stores it.
	 * @param derived the derived token, stored in this transaction
	 * @param subject the token it was derived from
	 * @param unit the unit of the root agent's budget
	 * @param amount the sub-budget
	 */
	public void carve(Jti derived, TokenRecord subject, String unit, BigDecimal amount) {
		Assert.notNull(derived, "derived cannot be null");
		Assert.isTrue(amount != null && amount.signum() > 0, "amount must be positive");
		BudgetKey key = BudgetKey.of(subject);
		int carved = this.jdbc.sql(CARVE)
			.params(subject.jti().value(), key.rootAgentId().value(), key.key(), unit, amount, derived.value())
			.update();
		Assert.state(carved == 1, "a sub-budget is carved for a token stored in the same transaction");
	}

	/** The main ledger's row, created with nothing spent when there is none. */
	private void ensureRow(BudgetKey key, BudgetPolicy policy) {
		this.jdbc.sql(ENSURE_ROW)
			.params(key.rootAgentId().value(), key.key(), policy.unit(), policy.perTask())
			.update();
	}

	private List<TokenBudget.SubBudget> carves(TokenRecord token, String sql) {
		if (token.family().parentJti() == null) {
			// a carve is made for a derived token: a root token has none (and no query)
			return List.of();
		}
		return this.jdbc.sql(sql)
			.param("jti", token.jti().value())
			.query((rs, row) -> new TokenBudget.SubBudget(Jti.of(rs.getString(1)),
					new BudgetState(rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4))))
			.list();
	}

	/**
	 * A task's ledger as stored, for the admin API.
	 * @param rootAgentId the root agent
	 * @param task the task
	 * @return its state, or empty when nothing was ever debited from it
	 */
	public Optional<BudgetState> find(AgentId rootAgentId, String task) {
		BudgetKey key = BudgetKey.task(rootAgentId, task);
		return this.jdbc
			.sql("SELECT unit, limit_amount, spent FROM budget_ledger WHERE root_agent_id = ? AND ledger_key = ?")
			.params(key.rootAgentId().value(), key.key())
			.query((rs, row) -> new BudgetState(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3)))
			.optional();
	}

	/**
	 * Debits a cost, atomically: only when it fits in what remains and, for a call the
	 * reserve applies to, only while the reserve threshold is not reached.
	 * @param key the ledger
	 * @param policy the budget
	 * @param cost the cost, positive
	 * @param reserved whether the reserve applies to this call (an expensive call or one
	 * on a high or critical capability, {@link BudgetRule#reserveApplies})
	 * @return the state after the debit, or empty when nothing was debited
	 */
	public Optional<BudgetState> debit(BudgetKey key, BudgetPolicy policy, BigDecimal cost, boolean reserved) {
		Assert.notNull(key, "key cannot be null");
		Assert.notNull(policy, "policy cannot be null");
		Assert.isTrue(cost != null && cost.signum() > 0, "cost must be positive");
		ensureRow(key, policy);
		return this.jdbc
			.sql("UPDATE budget_ledger SET spent = spent + :cost, limit_amount = :limit, unit = :unit,"
					+ " updated_at = now() WHERE root_agent_id = :root AND ledger_key = :key"
					+ " AND spent + :cost <= :limit AND (NOT :reserved OR spent < :threshold) RETURNING spent")
			.param("cost", cost)
			.param("limit", policy.perTask())
			.param("unit", policy.unit())
			.param("root", key.rootAgentId().value())
			.param("key", key.key())
			.param("reserved", reserved)
			.param("threshold", policy.reserveThreshold())
			.query(BigDecimal.class)
			.optional()
			.map((spent) -> new BudgetState(policy.unit(), policy.perTask(), spent));
	}

}
