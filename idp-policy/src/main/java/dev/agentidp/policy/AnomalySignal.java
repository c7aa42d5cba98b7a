package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 8's hook: a signal that can deny a call that passed every other rule (the signals
 * issue adds the first). Declare one as a bean; with none, rule 8 denies nothing.
 */
@FunctionalInterface
public interface AnomalySignal {

	/**
	 * Looks at an attempt that passed rules 1 to 7.
	 * @param attempt the attempt (its token active, its agent known)
	 * @return why it is anomalous, for administrators, or empty when it is not
	 */
	Optional<String> anomaly(AccessAttempt attempt);

}
