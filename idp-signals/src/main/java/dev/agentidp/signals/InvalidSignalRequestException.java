package dev.agentidp.signals;

/**
 * A request to the outbound signals (a webhook subscription, an SSF stream configuration,
 * a poll) that is refused as it is: nothing was stored. Its message is the {@code detail}
 * the caller is answered.
 */
public class InvalidSignalRequestException extends RuntimeException {

	/**
	 * A refusal.
	 * @param message what is wrong, for the caller
	 */
	public InvalidSignalRequestException(String message) {
		super(message);
	}

}
