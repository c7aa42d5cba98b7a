package dev.agentidp.tokens;

/**
 * No trusted issuer has the id asked for.
 */
public final class TrustedIssuerNotFoundException extends RuntimeException {

	/**
	 * @param id the id asked for
	 */
	public TrustedIssuerNotFoundException(String id) {
		super("No trusted issuer " + id);
	}

}
