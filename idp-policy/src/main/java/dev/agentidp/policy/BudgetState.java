package dev.agentidp.policy;

import java.math.BigDecimal;

import org.springframework.util.Assert;

/**
 * A task's budget as the ledger holds it, as in a decision's {@code context.budget}.
 *
 * @param unit what it is counted in
 * @param limit the most the task may spend
 * @param spent what it has spent
 */
public record BudgetState(String unit, BigDecimal limit, BigDecimal spent) {

	public BudgetState {
		Assert.hasText(unit, "unit cannot be empty");
		Assert.notNull(limit, "limit cannot be null");
		Assert.notNull(spent, "spent cannot be null");
	}

	/**
	 * What is left, never below zero.
	 * @return the remaining amount
	 */
	public BigDecimal remaining() {
		BigDecimal remaining = this.limit.subtract(this.spent);
		return (remaining.signum() < 0) ? BigDecimal.ZERO : remaining;
	}

}
