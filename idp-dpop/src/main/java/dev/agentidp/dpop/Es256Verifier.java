package dev.agentidp.dpop;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECField;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Verifies JWS signatures with ES256 (RFC 7518 §3.4: ECDSA over P-256 with SHA-256, the
 * signature as R || S, 32 bytes each) using BouncyCastle's P-256 arithmetic. Written by
 * hand because Nimbus's {@code ECDSAVerifier}, which uses the JDK's ECDSA, took about
 * 1,100 µs of CPU per verification on the project machine against about 330 µs for
 * BouncyCastle's with a key used once, 115 µs with a key used again
 * ({@code bench/crypto}, BENCHMARKS.md). It refuses what Nimbus's verifier refuses:
 * another algorithm, a {@code crit} header (RFC 7515 §4.1.11: this verifier understands
 * no extension), a signature that is not exactly 64 bytes, and {@code r} or {@code s}
 * outside {@code [1, n-1]} (SEC 1 §4.1.4 step 1; the check whose absence was
 * CVE-2022-21449); and it takes only a key whose curve is P-256 and whose point lies on
 * it (an invalid-curve key is refused when the verifier is made).
 */
public final class Es256Verifier implements JWSVerifier {

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256);

	private final ECPublicKeyParameters key;

	private final JCAContext jcaContext = new JCAContext();

	/**
	 * @param key a P-256 public key
	 * @throws JOSEException if the key is not on P-256, or not a point of it
	 */
	public Es256Verifier(ECPublicKey key) throws JOSEException {
		if (key == null || !isP256(key.getParams())) {
			throw new JOSEException("ES256 needs a P-256 key");
		}
		try {
			// validatePoint: on the curve (BouncyCastle checks the equation), so that no
			// point of a weaker curve is accepted (invalid-curve attack)
			ECPoint point = P256.DOMAIN.getCurve().validatePoint(key.getW().getAffineX(), key.getW().getAffineY());
			// the constructor refuses the point at infinity and a point of the wrong
			// order
			this.key = new ECPublicKeyParameters(point, P256.DOMAIN);
		}
		catch (IllegalArgumentException ex) {
			throw new JOSEException("The key is not a point on P-256");
		}
	}

	@Override
	public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
		if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
			return false;
		}
		// RFC 7515 §4.1.11: a JWS listing an extension the recipient does not understand
		// is invalid
		if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
			return false;
		}
		byte[] bytes = signature.decode();
		// RFC 7518 §3.4: the 64-byte R || S, never DER
		if (bytes.length != 2 * P256.COORDINATE_BYTES) {
			return false;
		}
		BigInteger r = new BigInteger(1, bytes, 0, P256.COORDINATE_BYTES);
		BigInteger s = new BigInteger(1, bytes, P256.COORDINATE_BYTES, P256.COORDINATE_BYTES);
		byte[] hash = P256.sha256(signingInput);
		ECDSASigner verifier = new ECDSASigner();
		verifier.init(false, this.key);
		// verifySignature returns false for r or s outside [1, n-1]
		return verifier.verifySignature(hash, r, s);
	}

	/** The JDK's parameters of P-256 (secp256r1), compared member by member. */
	private static boolean isP256(ECParameterSpec params) {
		if (params == null) {
			return false;
		}
		ECField field = params.getCurve().getField();
		return field instanceof ECFieldFp prime
				&& prime.getP().equals(P256.CURVE.getCurve().getField().getCharacteristic())
				&& params.getCurve().getA().equals(P256.CURVE.getCurve().getA().toBigInteger())
				&& params.getCurve().getB().equals(P256.CURVE.getCurve().getB().toBigInteger())
				&& params.getOrder().equals(P256.CURVE.getN()) && params.getCofactor() == P256.CURVE.getH().intValue()
				&& List.of(params.getGenerator().getAffineX(), params.getGenerator().getAffineY())
					.equals(List.of(P256.CURVE.getG().getAffineXCoord().toBigInteger(),
							P256.CURVE.getG().getAffineYCoord().toBigInteger()));
	}

	@Override
	public Set<JWSAlgorithm> supportedJWSAlgorithms() {
		return ALGORITHMS;
	}

	@Override
	public JCAContext getJCAContext() {
		return this.jcaContext;
	}

}
