package dev.agentidp.resourceserver;

/**
 * The provider could not be asked (unreachable, timed out, or an answer that is not one):
 * the request is refused with 503, never let through.
 */
public class ProviderUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what failed (no token, no secret)
	 * @param cause the cause, or {@code null}
	 */
	public ProviderUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
