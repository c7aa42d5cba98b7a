package dev.agentidp.policy;

import org.springframework.util.Assert;

/**
 * A decision, as AuthZEN answers it: {@code decision} and its {@code context}.
 *
 * @param allowed {@code decision}
 * @param id the decision's id (also in its audit record)
 * @param code {@code allowed}, or the first failing rule's code
 * @param reasonAdmin why, for administrators ({@code null} when allowed)
 * @param reasonUser why, for the agent's user ({@code null} when allowed)
 * @param budget the task's budget after the decision, or {@code null} when costs are not
 * limited
 */
public record AccessDecision(boolean allowed, String id, DecisionCode code, String reasonAdmin, String reasonUser,
		BudgetState budget) {

	public AccessDecision {
		Assert.hasText(id, "id cannot be empty");
		Assert.notNull(code, "code cannot be null");
		Assert.isTrue(allowed == (code == DecisionCode.ALLOWED), "only an allowed decision has code allowed");
	}

}
