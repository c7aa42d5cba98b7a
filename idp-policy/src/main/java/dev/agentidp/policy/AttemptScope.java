package dev.agentidp.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * What the evaluations of one AuthZEN request share while {@link AccessAttempts} makes
 * their attempts: each token is recognised once (its row, its agent's state and the
 * declarations read once, so a batch of evaluations with the default subject's token
 * reads it once and is decided on one snapshot of it), and each DPoP proof is verified
 * once for the call it came with. Lives for one request on one thread.
 */
final class AttemptScope {

	/** What a token alone tells an attempt, by the token's value. */
	private final Map<String, AccessAttempts.TokenState> tokens = new HashMap<>();

	/** The outcomes of the proofs verified, by token, proof and call. */
	private final Map<String, String[]> proofs = new HashMap<>();

	Map<String, AccessAttempts.TokenState> tokens() {
		return this.tokens;
	}

	Map<String, String[]> proofs() {
		return this.proofs;
	}

}
