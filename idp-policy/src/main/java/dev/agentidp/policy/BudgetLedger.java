package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.Optional;

import dev.agentidp.registry.AgentId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The budget ledger ({@code budget_ledger}, V12): one row per root agent and task, shared
 * by every node. A debit is one conditional {@code UPDATE … WHERE spent + cost <= limit
 * … RETURNING}: PostgreSQL's row lock serializes debits of one ledger across every node,
 * and each re-checks the condition on the row as the one before left it, so no number of
 * concurrent debits can overspend, and a refused debit changes nothing.
 */
final class BudgetLedger {

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
		this.jdbc
			.sql("INSERT INTO budget_ledger (root_agent_id, ledger_key, unit, limit_amount, spent)"
					+ " VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING")
			.params(key.rootAgentId().value(), key.key(), policy.unit(), policy.perTask())
			.update();
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
