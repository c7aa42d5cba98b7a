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
 * @param budget what one task may spend at the policy decision point, or {@code null}
 * (costs not limited)
 * @param proofOfPossession what the agent must prove when it asks for a token (RFC 9449)
 * @param approvedTokenTtlSeconds the longest a token issued on a human's approval lives
 * (the CIBA grant, docs/approvals.md), 1 to {@value #MAX_APPROVED_TOKEN_TTL_SECONDS};
 * {@value #DEFAULT_APPROVED_TOKEN_TTL_SECONDS} by default, and never above
 * {@code maxTtlSeconds}
 * @param anomaly the agent's own anomaly thresholds and reactions
 * ({@link AnomalyPolicy#NONE} when it has none: the provider's apply)
 * @param onAttestationMismatch what an attestation that does not match the pinned claims
 * does besides being refused ({@link AttestationMismatch#DENY} by default)
 * <p>
 * The constructor checks that the policy makes sense (positive lifetimes, the default
 * within the maximum); the upper bounds are rules of what may be written
 * ({@link ProfileInvariants}), so that a policy stored under older bounds stays readable.
 */
public record TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth, int maxSubAgents,
		TaskBudget budget, ProofOfPossession proofOfPossession, int approvedTokenTtlSeconds, AnomalyPolicy anomaly,
		AttestationMismatch onAttestationMismatch) {

	/** An approved token lives 5 minutes unless the policy says otherwise. */
	public static final int DEFAULT_APPROVED_TOKEN_TTL_SECONDS = 300;

	/** No approved token lives longer than 1 h. */
	public static final int MAX_APPROVED_TOKEN_TTL_SECONDS = 3600;

	/** The rule for {@code approvedTokenTtlSeconds}. */
	public static final String APPROVED_TTL_RULE = "must be between 1 and " + MAX_APPROVED_TOKEN_TTL_SECONDS
			+ " seconds (1 h)";

	/** No token lives longer than 24 h. */
	public static final int MAX_TTL_SECONDS = 86_400;

	/** The deepest delegation a policy may allow. */
	public static final int MAX_DELEGATION_DEPTH = 16;

	/** The most sub-agents a policy may allow one agent. */
	public static final int MAX_SUB_AGENTS = 10_000;

	/** The sub-agents an agent may derive unless its policy says otherwise. */
	public static final int DEFAULT_MAX_SUB_AGENTS = 100;

	/** The defaults: 15 minutes, at most one hour, three hops, 100 sub-agents. */
	public static final TokenPolicy DEFAULT = new TokenPolicy(900, 3600, 3, DEFAULT_MAX_SUB_AGENTS, null,
			ProofOfPossession.NONE, DEFAULT_APPROVED_TOKEN_TTL_SECONDS);

	/** The rule for either lifetime, as the admin API states it. */
	public static final String TTL_RULE = "must be between 1 and " + MAX_TTL_SECONDS + " seconds (24 h)";

	/** The rule for {@code maxDelegationDepth}. */
	public static final String DELEGATION_DEPTH_RULE = "must be between 0 and " + MAX_DELEGATION_DEPTH;

	/** The rule for {@code maxSubAgents}. */
	public static final String SUB_AGENTS_RULE = "must be between 0 and " + MAX_SUB_AGENTS;

	public TokenPolicy {
		Assert.isTrue(defaultTtlSeconds >= 1, "defaultTtlSeconds must be positive");
		Assert.isTrue(maxTtlSeconds >= 1, "maxTtlSeconds must be positive");
		Assert.isTrue(defaultTtlSeconds <= maxTtlSeconds, "defaultTtlSeconds cannot exceed maxTtlSeconds");
		Assert.isTrue(maxDelegationDepth >= 0, "maxDelegationDepth cannot be negative");
		Assert.isTrue(maxSubAgents >= 0, "maxSubAgents cannot be negative");
		proofOfPossession = (proofOfPossession != null) ? proofOfPossession : ProofOfPossession.NONE;
		Assert.isTrue(approvedTokenTtlSeconds >= 1, "approvedTokenTtlSeconds must be positive");
		anomaly = (anomaly != null) ? anomaly : AnomalyPolicy.NONE;
		onAttestationMismatch = (onAttestationMismatch != null) ? onAttestationMismatch : AttestationMismatch.DENY;
	}

	/**
	 * A policy without anomaly thresholds of its own, that denies a mismatched
	 * attestation.
	 * @param defaultTtlSeconds lifetime of a token when the request names none
	 * @param maxTtlSeconds the longest lifetime a request may ask for
	 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
	 * @param maxSubAgents how many sub-agents the agent may derive
	 * @param budget what one task may spend, or {@code null}
	 * @param proofOfPossession what the agent must prove
	 * @param approvedTokenTtlSeconds the longest a token issued on a human's approval
	 * lives
	 */
	public TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth, int maxSubAgents,
			TaskBudget budget, ProofOfPossession proofOfPossession, int approvedTokenTtlSeconds) {
		this(defaultTtlSeconds, maxTtlSeconds, maxDelegationDepth, maxSubAgents, budget, proofOfPossession,
				approvedTokenTtlSeconds, AnomalyPolicy.NONE, AttestationMismatch.DENY);
	}

	/**
	 * A policy with the default lifetime of approved tokens.
	 * @param defaultTtlSeconds lifetime of a token when the request names none
	 * @param maxTtlSeconds the longest lifetime a request may ask for
	 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
	 * @param maxSubAgents how many sub-agents the agent may derive
	 * @param budget what one task may spend, or {@code null}
	 * @param proofOfPossession what the agent must prove
	 */
	public TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth, int maxSubAgents,
			TaskBudget budget, ProofOfPossession proofOfPossession) {
		this(defaultTtlSeconds, maxTtlSeconds, maxDelegationDepth, maxSubAgents, budget, proofOfPossession,
				DEFAULT_APPROVED_TOKEN_TTL_SECONDS);
	}

	/**
	 * The rule that the default lifetime stays within the maximum.
	 * @param maxTtlSeconds the maximum
	 * @return the rule, as the admin API states it
	 */
	public static String defaultWithinMaxRule(int maxTtlSeconds) {
		return "must not exceed tokenPolicy.maxTtlSeconds (" + maxTtlSeconds + ")";
	}

	/**
	 * A policy with the default number of sub-agents ({@value #DEFAULT_MAX_SUB_AGENTS}).
	 * @param defaultTtlSeconds lifetime of a token when the request names none
	 * @param maxTtlSeconds the longest lifetime a request may ask for
	 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
	 */
	public TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth) {
		this(defaultTtlSeconds, maxTtlSeconds, maxDelegationDepth, DEFAULT_MAX_SUB_AGENTS, null,
				ProofOfPossession.NONE);
	}

	/**
	 * A policy without a budget.
	 * @param defaultTtlSeconds lifetime of a token when the request names none
	 * @param maxTtlSeconds the longest lifetime a request may ask for
	 * @param maxDelegationDepth how many sub-agent hops below the agent a token may go
	 * @param maxSubAgents how many sub-agents the agent may derive
	 */
	public TokenPolicy(int defaultTtlSeconds, int maxTtlSeconds, int maxDelegationDepth, int maxSubAgents) {
		this(defaultTtlSeconds, maxTtlSeconds, maxDelegationDepth, maxSubAgents, null, ProofOfPossession.NONE);
	}

}
