package dev.agentidp.policy;

/**
 * Told of every decision once its record is committed (allowed or denied, one by one or
 * in a batch), for behaviour baselines and the like (issue 20: the anomaly detection
 * counts them). Called on the deciding thread, after the decision: it must be quick
 * (count in memory, write later), must not block and must not throw. Declare one as a
 * bean; with none, nothing is told.
 */
@FunctionalInterface
public interface DecisionObserver {

	/**
	 * A decision was made and recorded.
	 * @param attempt the attempt decided (its agent {@code null} when the token was not
	 * an active agent's)
	 * @param decision the decision
	 */
	void decided(AccessAttempt attempt, AccessDecision decision);

}
