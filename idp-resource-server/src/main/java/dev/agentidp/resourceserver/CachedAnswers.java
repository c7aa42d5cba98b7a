package dev.agentidp.resourceserver;

/**
 * A token check that keeps answers, told by the provider's shared signals what no longer
 * holds.
 */
interface CachedAnswers {

	/**
	 * A token was revoked (CAEP {@code session-revoked}).
	 * @param jti the token's jti
	 * @return whether a cached answer was dropped
	 */
	boolean sessionRevoked(String jti);

	/**
	 * An agent was disabled (RISC {@code account-disabled}).
	 * @param agentId the agent
	 * @return how many cached answers were dropped
	 */
	int accountDisabled(String agentId);

}
