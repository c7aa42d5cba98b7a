package dev.agentidp.policy;

import dev.agentidp.registry.AgentId;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.TokenRecord;

import org.springframework.util.Assert;

/**
 * Which ledger a token spends from: its root agent's ({@code sub}) for its task, so that
 * every token of the same root and task shares one ledger, sub-agents' tokens included; a
 * token without a task spends from its delegation family's own, keyed by the family's
 * root token ({@code jti} of the first token, which its sub-agent tokens share).
 *
 * @param rootAgentId the root agent
 * @param key {@code task:<task>} or {@code jti:<root token's jti>}
 */
public record BudgetKey(AgentId rootAgentId, String key) {

	public BudgetKey {
		Assert.notNull(rootAgentId, "rootAgentId cannot be null");
		Assert.hasText(key, "key cannot be empty");
	}

	/**
	 * The ledger of a task.
	 * @param rootAgentId the root agent
	 * @param task the task
	 * @return the key
	 */
	public static BudgetKey task(AgentId rootAgentId, String task) {
		Assert.hasText(task, "task cannot be empty");
		return new BudgetKey(rootAgentId, "task:" + task);
	}

	/**
	 * The ledger of a delegation family without a task.
	 * @param rootAgentId the root agent
	 * @param rootJti the family's root token
	 * @return the key
	 */
	public static BudgetKey family(AgentId rootAgentId, Jti rootJti) {
		Assert.notNull(rootJti, "rootJti cannot be null");
		return new BudgetKey(rootAgentId, "jti:" + rootJti.value());
	}

	/**
	 * The ledger a token spends from.
	 * @param token the token's row
	 * @return the key
	 */
	static BudgetKey of(TokenRecord token) {
		AgentId root = AgentId.of(token.holder().subject());
		return (token.task() != null) ? task(root, token.task()) : family(root, token.family().rootJti());
	}

}
