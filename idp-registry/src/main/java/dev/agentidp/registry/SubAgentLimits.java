package dev.agentidp.registry;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How many sub-agents may be derived, and how fast (issue 14, item 2): every new
 * {@code sub_agent} name in a token exchange creates an agent, a version and an audit
 * chain, so a loop must not create millions of them.
 * <ul>
 * <li>a parent derives at most its {@code tokenPolicy.maxSubAgents} direct sub-agents
 * (default 100);</li>
 * <li>a root holds at most {@code idp.registry.max-sub-agents-per-root} sub-agents at
 * every depth together (default 10,000);</li>
 * <li>a parent derives at most {@code idp.registry.max-new-sub-agents-per-minute} new
 * sub-agents in any minute (default 30).</li>
 * </ul>
 * Existing sub-agents are never refused: the rules count new names only. The counts are
 * read from PostgreSQL under a transaction-scoped lock of the root, so two nodes deriving
 * the last allowed sub-agent at once cannot both pass.
 */
final class SubAgentLimits {

	/** The window of the rate limit. */
	static final Duration WINDOW = Duration.ofMinutes(1);

	private final int maxPerRoot;

	private final int maxNewPerMinute;

	SubAgentLimits(int maxPerRoot, int maxNewPerMinute) {
		Assert.isTrue(maxPerRoot >= 0, "maxPerRoot cannot be negative");
		Assert.isTrue(maxNewPerMinute >= 1, "maxNewPerMinute must be positive");
		this.maxPerRoot = maxPerRoot;
		this.maxNewPerMinute = maxNewPerMinute;
	}

	/**
	 * Checks that a parent may derive one more sub-agent.
	 * @param parent the parent
	 * @param rootId the root agent above it (the parent itself when it is a root)
	 * @param children how many sub-agents the parent has now
	 * @param belowRoot how many sub-agents the root has now, at every depth
	 * @param newInWindow how many of the parent's sub-agents were derived in the last
	 * minute
	 * @throws InvalidInputException naming {@code sub_agent} and the limit reached
	 */
	void check(Agent parent, AgentId rootId, long children, long belowRoot, long newInWindow) {
		int maxChildren = parent.tokenPolicy().maxSubAgents();
		if (children >= maxChildren) {
			throw new InvalidInputException("sub_agent",
					"agent " + parent.id() + " already has " + children + " sub-agents, the limit set by its"
							+ " tokenPolicy.maxSubAgents (" + maxChildren + "); reuse an existing sub-agent name");
		}
		if (belowRoot >= this.maxPerRoot) {
			throw new InvalidInputException("sub_agent",
					"root agent " + rootId + " already has " + belowRoot + " sub-agents below its root, the limit of"
							+ " idp.registry.max-sub-agents-per-root (" + this.maxPerRoot
							+ "); reuse an existing sub-agent name");
		}
		if (newInWindow >= this.maxNewPerMinute) {
			throw new InvalidInputException("sub_agent",
					"agent " + parent.id() + " derived " + newInWindow
							+ " new sub-agents in the last minute, the limit of"
							+ " idp.registry.max-new-sub-agents-per-minute (" + this.maxNewPerMinute
							+ "); retry later or reuse an existing sub-agent name");
		}
	}

}
