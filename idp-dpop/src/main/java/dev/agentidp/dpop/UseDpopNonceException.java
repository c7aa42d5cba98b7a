package dev.agentidp.dpop;

/**
 * A DPoP proof without the server-provided nonce the server requires, or with one it did
 * not issue or that has expired: the {@code use_dpop_nonce} error (RFC 9449 §8 at a token
 * endpoint, §9 at a resource server), answered with a fresh nonce in the
 * {@code DPoP-Nonce} header. Not an {@link InvalidDpopProofException}: the client is
 * expected to retry with a new proof carrying that nonce.
 */
public class UseDpopNonceException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param description what is wrong with the proof's nonce: safe to tell the client
	 */
	public UseDpopNonceException(String description) {
		super(description, null, false, false);
	}

}
