package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.Optional;

import dev.agentidp.registry.Capability;
import dev.agentidp.registry.RiskLevel;

import org.springframework.util.Assert;

/**
 * Rule 6, the budget: a call whose cost is above what remains of its task's budget is
 * {@code budget_exhausted}; once {@code reserveAbove × perTask} is spent, a call costing
 * {@code highCost} or more, or one on a {@code high} or {@code critical} capability, is
 * {@code budget_reserved}, so that the rest is kept for essential work. Checked here
 * against the ledger as it is; the debit that follows an allowed decision applies the
 * same two conditions atomically ({@link BudgetLedger#debit}). Without a budget
 * ({@link BudgetSource}) costs are not limited.
 */
final class BudgetRule implements AccessRule {

	private final BudgetSource budgets;

	private final BudgetLedger ledger;

	BudgetRule(BudgetSource budgets, BudgetLedger ledger) {
		Assert.notNull(budgets, "budgets cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		this.budgets = budgets;
		this.ledger = ledger;
	}

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		Optional<BudgetPolicy> policy = this.budgets.budget(attempt);
		if (policy.isEmpty()) {
			return Optional.empty();
		}
		TokenBudget budgets = this.ledger.state(attempt.token().record(), policy.get());
		return check(policy.get(), budgets, attempt.request().cost(), risk(attempt));
	}

	/**
	 * The budget rule on every budget a token spends from: the task's, then each
	 * sub-budget carved for the token or an ancestor ({@code budget_exhausted} naming
	 * it).
	 * @param policy the budget
	 * @param budgets the main ledger and the carves
	 * @param cost the call's cost
	 * @param risk the risk of the capability the call uses
	 * @return the denial, or empty when the call fits
	 */
	static Optional<Denial> check(BudgetPolicy policy, TokenBudget budgets, BigDecimal cost, RiskLevel risk) {
		Optional<Denial> main = check(policy, budgets.main().spent(), cost, risk);
		if (main.isPresent() && main.get().code() == DecisionCode.BUDGET_EXHAUSTED) {
			return main;
		}
		Optional<Denial> carve = budgets.exhaustedBy(cost)
			.map((sub) -> new Denial(DecisionCode.BUDGET_EXHAUSTED,
					"cost " + cost.toPlainString() + " " + sub.state().unit() + " is above the "
							+ sub.state().remaining().toPlainString() + " left of the sub-budget of "
							+ sub.state().limit().toPlainString() + " carved for token " + sub.jti().value(),
					"The sub-budget delegated to this agent does not cover this call"));
		return carve.isPresent() ? carve : main;
	}

	/**
	 * The budget rule on values.
	 * @param policy the budget
	 * @param spent what the task has spent
	 * @param cost the call's cost
	 * @param risk the risk of the capability the call uses
	 * @return the denial, or empty when the call fits
	 */
	static Optional<Denial> check(BudgetPolicy policy, BigDecimal spent, BigDecimal cost, RiskLevel risk) {
		BigDecimal remaining = policy.perTask().subtract(spent);
		if (cost.compareTo(remaining) > 0) {
			return Optional.of(new Denial(DecisionCode.BUDGET_EXHAUSTED,
					"cost " + cost.toPlainString() + " " + policy.unit() + " is above the "
							+ remaining.max(BigDecimal.ZERO).toPlainString() + " left of the task's budget of "
							+ policy.perTask().toPlainString(),
					"The task's budget does not cover this call"));
		}
		if (reserveApplies(policy, cost, risk) && spent.compareTo(policy.reserveThreshold()) >= 0) {
			return Optional.of(new Denial(DecisionCode.BUDGET_RESERVED,
					"the task has spent " + spent.toPlainString() + " of " + policy.perTask().toPlainString() + " "
							+ policy.unit() + " (reserve from " + policy.reserveThreshold().toPlainString()
							+ "); the rest is kept for calls below " + policy.highCost().toPlainString()
							+ " on low or medium capabilities",
					"The rest of the task's budget is kept for essential work"));
		}
		return Optional.empty();
	}

	/**
	 * Whether the reserve applies to a call: it costs {@code highCost} or more, or it is
	 * on a high or critical capability.
	 * @param policy the budget
	 * @param cost the call's cost
	 * @param risk the capability's risk
	 * @return {@code true} when a reached reserve refuses it
	 */
	static boolean reserveApplies(BudgetPolicy policy, BigDecimal cost, RiskLevel risk) {
		return cost.compareTo(policy.highCost()) >= 0 || risk == RiskLevel.HIGH || risk == RiskLevel.CRITICAL;
	}

	/** The risk of the capability that covers the call (medium when none is found). */
	static RiskLevel risk(AccessAttempt attempt) {
		return attempt.declared()
			.capability(attempt.request().scope())
			.map(Capability::riskLevel)
			.orElse(RiskLevel.MEDIUM);
	}

}
