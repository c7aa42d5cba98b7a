package dev.agentidp.policy;

/**
 * A condition whose evaluation failed (an error of the expression on this input, a result
 * that is not a boolean, or its time budget ran out). A condition that cannot be
 * evaluated is never true: the caller denies.
 */
public final class ConditionEvaluationException extends RuntimeException {

	/**
	 * @param message what went wrong
	 * @param cause the CEL runtime's exception, or {@code null}
	 */
	public ConditionEvaluationException(String message, Throwable cause) {
		super(message, cause);
	}

}
