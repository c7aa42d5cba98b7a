package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * How long an agent's tokens live, how deep it may delegate, and how many sub-agents it
 * may derive.
 *
 * @param defaultTtlSeconds lifetime of a token when the request names none
 * @param maxTtlSeconds the longest lifetime a request may ask for, at most
 * {@value #MAX_TTL_SECONDS} (24 h)
 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
 * @param maxSubAgents how many sub-agents the agent may derive (its direct children), 0
 * to {@value #MAX_SUB_AGENTS}; a token exchange naming a new sub-agent beyond it is
 * refused, existing ones keep working
 */
public record TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth, int maxSubAgents) {

	/** No token lives longer than 24 h. */
	public static final int MAX_TTL_SECONDS = 86_400;

	/** The deepest delegation a policy may allow. */
	public static final int MAX_DELEGATION_DEPTH = 16;

	/** The most sub-agents a policy may allow one agent. */
	public static final int MAX_SUB_AGENTS = 10_000;

	/** The sub-agents an agent may derive unless its policy says otherwise. */
	public static final int DEFAULT_MAX_SUB_AGENTS = 100;

	/** The defaults: 15 minutes, at most one hour, three hops, 100 sub-agents. */
	public static final TokenPolicy DEFAULT = new TokenPolicy(900, 3600, 3, DEFAULT_MAX_SUB_AGENTS);

	public TokenPolicy {
		Assert.isTrue(defaultTtlSeconds >= 1, "defaultTtlSeconds must be positive");
		Assert.isTrue(maxTtlSeconds >= 1 && maxTtlSeconds <= MAX_TTL_SECONDS,
				"maxTtlSeconds must be between 1 and " + MAX_TTL_SECONDS);
		Assert.isTrue(defaultTtlSeconds <= maxTtlSeconds, "defaultTtlSeconds cannot exceed maxTtlSeconds");
		Assert.isTrue(maxDelegationDepth >= 0 && maxDelegationDepth <= MAX_DELEGATION_DEPTH,
				"maxDelegationDepth must be between 0 and " + MAX_DELEGATION_DEPTH);
		Assert.isTrue(maxSubAgents >= 0 && maxSubAgents <= MAX_SUB_AGENTS,
				"maxSubAgents must be between 0 and " + MAX_SUB_AGENTS);
	}

	/**
	 * A policy with the default number of sub-agents ({@value #DEFAULT_MAX_SUB_AGENTS}).
	 * @param defaultTtlSeconds lifetime of a token when the request names none
	 * @param maxTtlSeconds the longest lifetime a request may ask for
	 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
	 */
	public TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth) {
		this(defaultTtlSeconds, maxTtlSeconds, maxDelegationDepth, DEFAULT_MAX_SUB_AGENTS);
	}

}
