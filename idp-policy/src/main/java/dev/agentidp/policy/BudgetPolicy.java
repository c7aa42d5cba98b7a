package dev.agentidp.policy;

import java.math.BigDecimal;

import org.springframework.util.Assert;

/**
 * An agent's budget per task ({@code tokenPolicy.budget}): what it may spend on one task,
 * and when the rest is kept for essential work.
 *
 * @param unit what costs are counted in, e.g. {@code usd}
 * @param perTask the most one task may spend
 * @param reserveAbove the share of {@code perTask} (0 to 1) from which the rest is
 * reserved
 * @param highCost from this cost on, a call counts as expensive once the budget is
 * reserved
 */
public record BudgetPolicy(String unit, BigDecimal perTask, BigDecimal reserveAbove, BigDecimal highCost) {

	public BudgetPolicy {
		Assert.isTrue(unit != null && unit.matches("[A-Za-z0-9._-]{1,16}"), "unit must be 1-16 of [A-Za-z0-9._-]");
		Assert.isTrue(perTask != null && perTask.signum() > 0 && perTask.compareTo(AccessRequest.MAX_COST) <= 0,
				"perTask must be positive and at most 1e12");
		Assert.isTrue(reserveAbove != null && reserveAbove.signum() > 0 && reserveAbove.compareTo(BigDecimal.ONE) <= 0,
				"reserveAbove must be above 0 and at most 1");
		Assert.isTrue(highCost != null && highCost.signum() > 0, "highCost must be positive");
	}

	/**
	 * What has to be spent before the rest is reserved: {@code reserveAbove × perTask}.
	 * @return the threshold
	 */
	public BigDecimal reserveThreshold() {
		return this.reserveAbove.multiply(this.perTask);
	}

}
