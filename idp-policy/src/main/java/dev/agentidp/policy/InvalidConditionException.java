package dev.agentidp.policy;

/**
 * A condition that cannot be used: it does not compile (the message is the CEL
 * compiler's), it is not a boolean, or it exceeds a limit of {@link Conditions} (too
 * long, too deep, too costly).
 */
public final class InvalidConditionException extends RuntimeException {

	/**
	 * @param message what is wrong, for the administrator who wrote the condition
	 */
	public InvalidConditionException(String message) {
		super(message);
	}

}
