package dev.agentidp.registry;

import java.math.BigDecimal;

import org.springframework.util.Assert;

/**
 * What one task of an agent may spend ({@code tokenPolicy.budget}): the policy decision
 * point debits the cost of each allowed call from the task's ledger and, once
 * {@code reserveAbove} of it is spent, keeps the rest for essential work
 * (docs/policy.md). The constructor checks only that the budget makes sense; the bounds
 * are rules of what may be written, checked at the admin API.
 *
 * @param unit what costs are counted in, e.g. {@code usd}
 * @param perTask the most one task may spend (positive)
 * @param reserveAbove the share of {@code perTask} (above 0, at most 1) from which the
 * rest is reserved
 * @param highCost from this cost on (positive), a call counts as expensive once the
 * budget is reserved
 */
public record TaskBudget(String unit, BigDecimal perTask, BigDecimal reserveAbove, BigDecimal highCost) {

	public TaskBudget {
		Assert.hasText(unit, "unit cannot be empty");
		Assert.isTrue(perTask != null && perTask.signum() > 0, "perTask must be positive");
		Assert.isTrue(reserveAbove != null && reserveAbove.signum() > 0 && reserveAbove.compareTo(BigDecimal.ONE) <= 0,
				"reserveAbove must be above 0 and at most 1");
		Assert.isTrue(highCost != null && highCost.signum() > 0, "highCost must be positive");
	}

}
