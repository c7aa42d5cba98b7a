package dev.agentidp.tokens;

import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.dpop.Es256Verifier;

import org.springframework.util.Assert;

/**
 * Verifies a JWS signed by a trusted issuer (a workload's token, a client attestation) or
 * by a key it names ({@code cnf.jwk}): only asymmetric algorithms (RFC 8725 §3.1, §3.2),
 * each with a key of its own type, RSA keys of 2048 bits or more (RFC 7518 §3.3).
 */
final class IssuerSignatures {

	/** The algorithms accepted: RS*, PS*, ES* and Ed25519. */
	static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
			JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
			JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

	private static final JoseVerifiers ED25519 = new JoseVerifiers();

	private final IssuerKeys keys;

	IssuerSignatures(IssuerKeys keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
	}

	/**
	 * Verifies a JWS with the issuer's keys of its {@code kid}.
	 * @param issuer the trusted issuer
	 * @param jws the JWS
	 * @return {@code null} when it verifies, else what failed
	 */
	String verify(TrustedIssuer issuer, SignedJWT jws) {
		List<JWK> candidates;
		try {
			candidates = this.keys.keys(issuer, jws.getHeader().getKeyID());
		}
		catch (IssuerKeys.KeysUnavailableException ex) {
			return ex.getMessage();
		}
		boolean fitting = false;
		for (JWK key : candidates) {
			JWSVerifier verifier = verifier(jws.getHeader(), key);
			if (verifier == null) {
				continue;
			}
			fitting = true;
			if (verifies(jws, verifier)) {
				return null;
			}
		}
		return fitting ? "the signature does not verify with the issuer's keys" : "no key of the issuer fits kid "
				+ jws.getHeader().getKeyID() + " and alg " + jws.getHeader().getAlgorithm();
	}

	/**
	 * Whether a JWS verifies with one key.
	 * @param jws the JWS
	 * @param key the public key
	 * @return whether it does (never for an algorithm or key type not accepted)
	 */
	static boolean verifies(SignedJWT jws, JWK key) {
		JWSVerifier verifier = ALGORITHMS.contains(jws.getHeader().getAlgorithm()) ? verifier(jws.getHeader(), key)
				: null;
		return verifier != null && verifies(jws, verifier);
	}

	private static boolean verifies(SignedJWT jws, JWSVerifier verifier) {
		try {
			return jws.verify(verifier);
		}
		catch (JOSEException | IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * The verifier of a key for the header's algorithm, or {@code null} if it does not
	 * fit.
	 */
	static JWSVerifier verifier(JWSHeader header, JWK key) {
		JWSAlgorithm alg = header.getAlgorithm();
		if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())
				&& !(JWSAlgorithm.Family.ED.contains(alg) && JWSAlgorithm.Family.ED.contains(key.getAlgorithm()))) {
			return null;
		}
		try {
			if (KeyType.RSA.equals(key.getKeyType()) && JWSAlgorithm.Family.RSA.contains(alg)) {
				RSAPublicKey rsa = ((RSAKey) key).toRSAPublicKey();
				// RFC 7518 §3.3: 2048 bits or larger
				return (rsa.getModulus().bitLength() >= 2048) ? new RSASSAVerifier(rsa) : null;
			}
			if (KeyType.EC.equals(key.getKeyType()) && JWSAlgorithm.Family.EC.contains(alg)
					&& Curve.forJWSAlgorithm(alg).contains(((ECKey) key).getCurve())) {
				ECPublicKey ec = ((ECKey) key).toECPublicKey();
				// ES256 through BouncyCastle (Es256Verifier: the JDK's is three times the
				// CPU); ES384 and ES512 through Nimbus over the JDK
				return JWSAlgorithm.ES256.equals(alg) ? new Es256Verifier(ec) : new ECDSAVerifier(ec);
			}
			if (KeyType.OKP.equals(key.getKeyType()) && JWSAlgorithm.Family.ED.contains(alg)
					&& Curve.Ed25519.equals(((OctetKeyPair) key).getCurve())) {
				Key ed = SigningKeyMaterial.toPublicKey(key);
				return ED25519.createJWSVerifier(header, ed);
			}
		}
		catch (JOSEException | RuntimeException ex) {
			return null;
		}
		return null;
	}

}
