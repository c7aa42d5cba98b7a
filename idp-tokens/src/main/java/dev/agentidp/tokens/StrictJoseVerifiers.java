package dev.agentidp.tokens;

import java.security.Key;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;

/**
 * {@link JoseVerifiers} with the header checks a verifier must make before it looks at a
 * signature: a JWS naming any critical header parameter is refused, since this provider
 * understands none (RFC 7515 §4.1.11: "If any of the listed extension Header Parameters
 * are not understood and supported by the recipient, then the JWS is invalid"); and a JWS
 * that carries or points at its own key ({@code jwk}, {@code jku}, {@code x5u},
 * {@code x5c}) is refused, because keys come from the registry or the provider's own key
 * store only, never from the token being verified.
 */
final class StrictJoseVerifiers implements JWSVerifierFactory {

	/**
	 * Refuses as a bad signature does, so that decoders answer 401 (an exception here
	 * would be an internal error).
	 */
	private static final JWSVerifier REFUSE = new JWSVerifier() {

		private final JCAContext context = new JCAContext();

		@Override
		public boolean verify(JWSHeader header, byte[] signingInput, com.nimbusds.jose.util.Base64URL signature) {
			return false;
		}

		@Override
		public Set<JWSAlgorithm> supportedJWSAlgorithms() {
			return JoseVerifiers.ALGORITHMS;
		}

		@Override
		public JCAContext getJCAContext() {
			return this.context;
		}

	};

	private final JoseVerifiers verifiers = new JoseVerifiers();

	@Override
	public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
		// RFC 7515 §4.1.11: crit lists extensions the recipient MUST understand
		if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
			return REFUSE;
		}
		// RFC 7515 §4.1.3-§4.1.6 and RFC 8725 §3.10: never trust a key named by the token
		if (header.getJWK() != null || header.getJWKURL() != null || header.getX509CertURL() != null
				|| header.getX509CertChain() != null) {
			return REFUSE;
		}
		return this.verifiers.createJWSVerifier(header, key);
	}

	@Override
	public Set<JWSAlgorithm> supportedJWSAlgorithms() {
		return this.verifiers.supportedJWSAlgorithms();
	}

	@Override
	public JCAContext getJCAContext() {
		return this.verifiers.getJCAContext();
	}

}
