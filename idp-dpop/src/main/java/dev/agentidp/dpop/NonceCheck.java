package dev.agentidp.dpop;

/**
 * The server-provided nonce check of DPoP proofs (RFC 9449 §4.3 step 10, §8 and §9): a
 * server that requires nonces accepts a proof only with a {@code nonce} claim it issued
 * and that is still valid. A check that needs no state shared between nodes (a MAC over
 * the issue time) makes the rule hold on every node.
 */
@FunctionalInterface
public interface NonceCheck {

	/**
	 * Checks a proof's {@code nonce} claim.
	 * @param nonce the claim, or {@code null} when the proof has none
	 * @throws UseDpopNonceException when the nonce is missing, not one this server
	 * issued, or expired: the client is to retry with the nonce the server sends
	 */
	void check(String nonce);

}
