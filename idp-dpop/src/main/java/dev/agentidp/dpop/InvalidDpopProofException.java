package dev.agentidp.dpop;

/**
 * A DPoP proof that fails a check of RFC 9449 §4.3: the {@code invalid_dpop_proof} error
 * (§7.1 at a resource server, §5 at a token endpoint), its message naming the check.
 */
public class InvalidDpopProofException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param description what is wrong with the proof: safe to tell the client
	 */
	public InvalidDpopProofException(String description) {
		super(description, null, false, false);
	}

}
