package dev.agentidp.policy;

import java.util.Optional;

/**
 * Where an agent's budget comes from. Until the identity document carries
 * {@code tokenPolicy.budget}, no bean of it is declared and no cost is limited
 * (docs/policy.md).
 */
@FunctionalInterface
public interface BudgetSource {

	/** No budget: costs are not limited. */
	BudgetSource NONE = (attempt) -> Optional.empty();

	/**
	 * The budget that applies to an attempt.
	 * @param attempt the attempt (its token active, its agent known)
	 * @return the budget, or empty when costs are not limited
	 */
	Optional<BudgetPolicy> budget(AccessAttempt attempt);

}
