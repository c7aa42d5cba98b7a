package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * How long an agent's tokens live and how deep it may delegate.
 *
 * @param defaultTtlSeconds lifetime of a token when the request names none
 * @param maxTtlSeconds the longest lifetime a request may ask for, at most
 * {@value #MAX_TTL_SECONDS} (24 h)
 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
 */
public record TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth) {

	/** No token lives longer than 24 h. */
	public static final int MAX_TTL_SECONDS = 86_400;

	/** The deepest delegation a policy may allow. */
	public static final int MAX_DELEGATION_DEPTH = 16;

	/** The defaults: 15 minutes, at most one hour, three hops. */
	public static final TokenPolicy DEFAULT = new TokenPolicy(900, 3600, 3);

	public TokenPolicy {
		Assert.isTrue(defaultTtlSeconds >= 1, "defaultTtlSeconds must be positive");
		Assert.isTrue(maxTtlSeconds >= 1 && maxTtlSeconds <= MAX_TTL_SECONDS,
				"maxTtlSeconds must be between 1 and " + MAX_TTL_SECONDS);
		Assert.isTrue(defaultTtlSeconds <= maxTtlSeconds, "defaultTtlSeconds cannot exceed maxTtlSeconds");
		Assert.isTrue(maxDelegationDepth >= 0 && maxDelegationDepth <= MAX_DELEGATION_DEPTH,
				"maxDelegationDepth must be between 0 and " + MAX_DELEGATION_DEPTH);
	}

}
