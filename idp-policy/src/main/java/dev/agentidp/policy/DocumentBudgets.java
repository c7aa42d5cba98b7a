package dev.agentidp.policy;

import java.util.Optional;

import dev.agentidp.registry.TaskBudget;

/**
 * The budget of an attempt is its root agent's {@code tokenPolicy.budget}: every token of
 * a task, sub-agents' included, spends from the root's ledger for that task (rule 6,
 * docs/policy.md). A root without a budget limits no cost. Read from the root agent as
 * {@link AccessAttempts} found it for the attempt ({@link DeclaredAccess#budget}): no
 * further read.
 */
final class DocumentBudgets implements BudgetSource {

	@Override
	public Optional<BudgetPolicy> budget(AccessAttempt attempt) {
		if (attempt.declared() == null || attempt.declared().budget() == null) {
			return Optional.empty();
		}
		return Optional.of(policy(attempt.declared().budget()));
	}

	/**
	 * A document's budget as the ledger applies it.
	 * @param budget the document's {@code tokenPolicy.budget}
	 * @return the budget
	 */
	static BudgetPolicy policy(TaskBudget budget) {
		return new BudgetPolicy(budget.unit(), budget.perTask(), budget.reserveAbove(), budget.highCost());
	}

}
