package dev.agentidp.signals;

/**
 * A webhook subscription or an SSF stream that does not exist, or is not the caller's.
 */
public class SignalNotFoundException extends RuntimeException {

	/**
	 * A subscription or stream not found.
	 * @param message which, for the caller
	 */
	public SignalNotFoundException(String message) {
		super(message);
	}

}
