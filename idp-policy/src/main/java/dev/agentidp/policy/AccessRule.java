package dev.agentidp.policy;

import java.util.Optional;

/**
 * One rule of the policy decision point: it passes, or it denies with its code.
 */
@FunctionalInterface
public interface AccessRule {

	/**
	 * Checks an attempt.
	 * @param attempt the attempt
	 * @return the denial, or empty when the rule passes
	 */
	Optional<Denial> check(AccessAttempt attempt);

}
