package dev.agentidp.resourceserver;

/**
 * An access token the kit does not accept: RFC 6750 §3.1 {@code invalid_token}, answered
 * 401 with a {@code WWW-Authenticate} challenge; the message says why and is safe to tell
 * the client.
 */
public class InvalidAccessTokenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param description why the token is refused
	 */
	public InvalidAccessTokenException(String description) {
		super(description, null, false, false);
	}

}
