package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 1, after {@link TokenActiveRule}: a DPoP-bound token ({@code cnf.jkt}, RFC 9449
 * §6.1) counts only with a proof of its key for the call the tool server asks about. The
 * request must carry {@code subject.properties.dpop_proof}, {@code htm} and {@code htu};
 * the proof must pass RFC 9449 §4.3 (its {@code ath} the token's hash, step 12; its
 * {@code jti} unused) and be signed by the key whose thumbprint is the token's
 * {@code cnf.jkt} (§7.1: "the public key to which the access token is bound matches the
 * public key of the DPoP proof"). A bearer token passes: it is bound to nothing.
 */
final class ProofRule implements AccessRule {

	private static final String USER = "The access token is bound to a key: send a fresh DPoP proof of that key with"
			+ " the call";

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		if (attempt.token() == null || attempt.token().record().cnfJkt() == null) {
			return Optional.empty();
		}
		String jti = attempt.token().record().jti().value();
		String bound = attempt.token().record().cnfJkt();
		if (attempt.proofFailure() != null) {
			return Optional.of(new Denial(DecisionCode.PROOF_INVALID,
					"the DPoP proof presented with the token " + jti + " is refused: " + attempt.proofFailure(),
					"The DPoP proof was refused (" + attempt.proofFailure() + "); sign a fresh one for this call"));
		}
		if (attempt.proofJkt() == null) {
			return Optional.of(new Denial(DecisionCode.PROOF_INVALID, "the token " + jti
					+ " is DPoP-bound (cnf.jkt) and the request carries no verified subject.properties.dpop_proof",
					USER));
		}
		if (!bound.equals(attempt.proofJkt())) {
			return Optional.of(new Denial(DecisionCode.PROOF_INVALID,
					"the DPoP proof is signed by the key " + attempt.proofJkt() + ", not by the key the token " + jti
							+ " is bound to (cnf.jkt " + bound + ")",
					"The DPoP proof is signed by another key than the one the access token is bound to"));
		}
		return Optional.empty();
	}

}
