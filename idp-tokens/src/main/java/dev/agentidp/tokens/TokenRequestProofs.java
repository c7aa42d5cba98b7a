package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.dpop.InvalidDpopProofException;
import dev.agentidp.dpop.UseDpopNonceException;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.util.Assert;

/**
 * The DPoP proofs of token requests (RFC 9449 §5): verified by {@link DpopProofVerifier},
 * each {@code jti} used once per proof key across every node (the client assertions'
 * replay store in PostgreSQL). Spring's token endpoint converters put the {@code DPoP}
 * header into the request's parameters (refusing a request with two); the proof's
 * {@code htu} must name the token endpoint as the metadata publishes it (the issuer's
 * URL), which also holds behind a proxy. With {@code idp.tokens.dpop-nonce.enabled} a
 * proof must also carry a server nonce ({@link DpopNonces}, RFC 9449 §8). Part of the kit
 * a grant module uses: every grant that issues a token reads its proof here.
 */
public final class TokenRequestProofs {

	/** Where the token endpoint's converters put the {@code DPoP} header. */
	public static final String PROOF_PARAMETER = "dpop_proof";

	/** Where the token endpoint's converters put the request's method. */
	public static final String METHOD_PARAMETER = "dpop_method";

	/** RFC 9449 §8: the error of a proof without a valid server nonce. */
	public static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private final DpopProofVerifier verifier;

	private final DpopNonces nonces;

	/**
	 * @param replays the replay store shared with client assertions
	 * @param window how far a proof's {@code iat} may lie from now
	 * @param nonces the server nonces every proof must carry, or {@code null} when none
	 * is required
	 * @param clock the clock
	 */
	TokenRequestProofs(ClientAssertions replays, Duration window, DpopNonces nonces, Clock clock) {
		Assert.notNull(replays, "replays cannot be null");
		this.verifier = new DpopProofVerifier((jkt, jti, keepUntil) -> replays.firstUse("dpop:" + jkt, jti, keepUntil),
				window, clock);
		this.nonces = nonces;
	}

	/**
	 * The server nonces the proofs must carry.
	 * @return the nonces, or {@code null} when none are required
	 */
	DpopNonces nonces() {
		return this.nonces;
	}

	/**
	 * The proof of a token request, if it carries one.
	 * @param parameters the token request's additional parameters
	 * @param server the authorization server's context
	 * @return the verified proof, or {@code null} when the request carries none
	 * @throws OAuth2AuthenticationException {@code invalid_dpop_proof} naming the check
	 * that fails, or {@code use_dpop_nonce} when nonces are required and the proof has no
	 * valid one (RFC 9449 §8)
	 */
	public DpopProof verify(Map<String, Object> parameters, AuthorizationServerContext server) {
		if (!(parameters.get(PROOF_PARAMETER) instanceof String proof)) {
			return null;
		}
		String method = (parameters.get(METHOD_PARAMETER) instanceof String given) ? given : "POST";
		try {
			return this.verifier.verify(proof, method,
					server.getIssuer() + server.getAuthorizationServerSettings().getTokenEndpoint(), null, this.nonces);
		}
		catch (UseDpopNonceException ex) {
			// RFC 9449 §8: answered with a fresh nonce in the DPoP-Nonce header
			// (OAuthDenialAuditor)
			throw new OAuth2AuthenticationException(new OAuth2Error(USE_DPOP_NONCE, ex.getMessage(), null));
		}
		catch (InvalidDpopProofException ex) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF, ex.getMessage(), null));
		}
	}

}
