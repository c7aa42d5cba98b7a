package dev.agentidp.policy;

import java.util.Optional;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.TaskBudget;

import org.springframework.util.Assert;

/**
 * The budget of an attempt is its root agent's {@code tokenPolicy.budget}: every token of
 * a task, sub-agents' included, spends from the root's ledger for that task (rule 6,
 * docs/policy.md). A root without a budget limits no cost.
 */
final class DocumentBudgets implements BudgetSource {

	private final AgentRegistry agents;

	DocumentBudgets(AgentRegistry agents) {
		Assert.notNull(agents, "agents cannot be null");
		this.agents = agents;
	}

	@Override
	public Optional<BudgetPolicy> budget(AccessAttempt attempt) {
		if (attempt.token() == null) {
			return Optional.empty();
		}
		AgentId root;
		try {
			// RFC 8693 §4.1: a delegated token's sub stays the root agent
			root = AgentId.of(attempt.token().record().holder().subject());
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
		return budgetOf(root);
	}

	/**
	 * A root agent's budget.
	 * @param root the root agent
	 * @return its {@code tokenPolicy.budget}, or empty when it has none or is unknown
	 */
	Optional<BudgetPolicy> budgetOf(AgentId root) {
		return this.agents.findAgent(root).map((agent) -> agent.tokenPolicy().budget()).map(DocumentBudgets::policy);
	}

	private static BudgetPolicy policy(TaskBudget budget) {
		return new BudgetPolicy(budget.unit(), budget.perTask(), budget.reserveAbove(), budget.highCost());
	}

}
