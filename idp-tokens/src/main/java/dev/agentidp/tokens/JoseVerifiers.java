package dev.agentidp.tokens;

import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import dev.agentidp.dpop.Es256Verifier;

/**
 * Creates JWS verifiers for the algorithms this provider accepts: Ed25519 (JWS
 * {@code alg} {@code EdDSA}, or RFC 9864's fully-specified {@code Ed25519}) verified with
 * BouncyCastle, and ES256 verified with BouncyCastle too ({@link Es256Verifier}). Written
 * by hand because Nimbus's own Ed25519 verifier needs Tink, and the JDK's Ed25519 and
 * ECDSA verification take about seven and three times the CPU (docs/tokens.md "Design
 * notes").
 */
public final class JoseVerifiers implements JWSVerifierFactory {

	/** Every JWS algorithm this provider verifies. */
	public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519,
			JWSAlgorithm.ES256);

	private final JCAContext jcaContext = new JCAContext();

	@Override
	public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
		JWSAlgorithm alg = header.getAlgorithm();
		if ((JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg))
				&& key instanceof Ed25519PublicKey ed) {
			return new Ed25519Verifier(ed);
		}
		if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECPublicKey ec) {
			return new Es256Verifier(ec);
		}
		throw new JOSEException("Unsupported JWS algorithm or key: " + alg);
	}

	@Override
	public Set<JWSAlgorithm> supportedJWSAlgorithms() {
		return ALGORITHMS;
	}

	@Override
	public JCAContext getJCAContext() {
		return this.jcaContext;
	}

	private static final class Ed25519Verifier implements JWSVerifier {

		private static final Set<JWSAlgorithm> ED_ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

		private final Ed25519PublicKey key;

		private final JCAContext jcaContext = new JCAContext();

		Ed25519Verifier(Ed25519PublicKey key) {
			this.key = key;
		}

		@Override
		public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
			if (!ED_ALGORITHMS.contains(header.getAlgorithm())) {
				return false;
			}
			return this.key.verify(signature.decode(), signingInput);
		}

		@Override
		public Set<JWSAlgorithm> supportedJWSAlgorithms() {
			return ED_ALGORITHMS;
		}

		@Override
		public JCAContext getJCAContext() {
			return this.jcaContext;
		}

	}

}
