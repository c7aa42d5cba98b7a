package dev.agentidp.tokens;

/**
 * Another trusted issuer has the same {@code issuer}.
 */
public final class TrustedIssuerExistsException extends RuntimeException {

	/**
	 * @param issuer the issuer
	 */
	public TrustedIssuerExistsException(String issuer) {
		super("issuer: " + issuer + " is already a trusted issuer");
	}

}
