package dev.agentidp.policy;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a batch of evaluations is run ({@code options.evaluations_semantic}, AuthZEN 1.0).
 */
public enum EvaluationsSemantic {

	/** Every evaluation, in order (the default). */
	EXECUTE_ALL("execute_all"),

	/** In order, up to and including the first denial. */
	DENY_ON_FIRST_DENY("deny_on_first_deny"),

	/** In order, up to and including the first permit. */
	PERMIT_ON_FIRST_PERMIT("permit_on_first_permit");

	private final String value;

	EvaluationsSemantic(String value) {
		this.value = value;
	}

	/**
	 * The wire value.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value the wire value
	 * @return the semantic, or empty when unknown
	 */
	public static Optional<EvaluationsSemantic> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * Whether the batch stops after a decision.
	 * @param decision the decision just made
	 * @return {@code true} when no further evaluation runs
	 */
	boolean stopsAfter(AccessDecision decision) {
		return switch (this) {
			case EXECUTE_ALL -> false;
			case DENY_ON_FIRST_DENY -> !decision.allowed();
			case PERMIT_ON_FIRST_PERMIT -> decision.allowed();
		};
	}

}
