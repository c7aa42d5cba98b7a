package dev.agentidp.tokens;

import java.time.Instant;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.ProofOfPossession;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;

/**
 * The agent's {@code tokenPolicy.proofOfPossession} at the token endpoint (RFC 9449,
 * issue 17, item 2), for every grant: {@code none} lets a request without a DPoP proof
 * have a bearer token; {@code dpop} refuses it; {@code dpop-registered-key} also refuses
 * a proof that is not signed by one of the agent's own usable keys (a key's {@code kid}
 * is its RFC 7638 thumbprint, which the proof's {@code jkt} is too), so that each token
 * is bound to the agent's registered identity. Part of the kit a grant module uses.
 */
public final class ProofOfPossessionRule {

	private ProofOfPossessionRule() {
	}

	/**
	 * Checks a token request's proof against the requesting agent's policy.
	 * @param agent the agent asking (for a token exchange, the parent)
	 * @param proof the request's verified proof, or {@code null}
	 * @param now the time of the request (for the keys' validity)
	 * @throws OAuth2AuthenticationException {@code invalid_dpop_proof} when the policy is
	 * not met
	 */
	public static void check(Agent agent, DpopProof proof, Instant now) {
		Assert.notNull(agent, "agent cannot be null");
		ProofOfPossession required = agent.tokenPolicy().proofOfPossession();
		if (required == ProofOfPossession.NONE) {
			return;
		}
		if (proof == null) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
					"The agent's tokenPolicy.proofOfPossession is " + required.value()
							+ ": the request needs a DPoP proof (RFC 9449)");
		}
		if (required == ProofOfPossession.DPOP_REGISTERED_KEY
				&& agent.usableKeys(now).stream().map(AgentKey::kid).noneMatch(proof.jkt()::equals)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
					"The agent's tokenPolicy.proofOfPossession is dpop-registered-key: the DPoP proof must be"
							+ " signed by one of the agent's registered keys");
		}
	}

}
