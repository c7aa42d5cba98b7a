package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The key material of the provider's signing keys: generating a key pair for an
 * algorithm, authenticating a stored row against the key-encryption key, and turning a
 * JWK into the signer or the verification key the hot paths use (BouncyCastle Ed25519,
 * docs/tokens.md "Design notes").
 */
final class SigningKeyMaterial {

	private SigningKeyMaterial() {
	}

	/**
	 * Authenticates a row with the key-encryption key: its private part decrypts (the kid
	 * is the associated data) to the private key of its public JWK, for its algorithm.
	 * @param cipher the cipher of the private parts
	 * @return the private key, or {@code null} when the row fails
	 * @throws SigningKeyDecryptionException when the private part does not decrypt
	 */
	static JWK authenticate(SigningKeyCipher cipher, String kid, String algorithm, JWK publicJwk, byte[] sealed)
			throws ParseException, JOSEException {
		if (sealed == null || publicJwk.isPrivate() || !kid.equals(publicJwk.getKeyID())) {
			return null;
		}
		JWK privateJwk = JWK.parse(new String(cipher.decrypt(sealed, kid), StandardCharsets.UTF_8));
		if (!privateJwk.isPrivate() || !kid.equals(privateJwk.getKeyID())
				|| !privateJwk.computeThumbprint().equals(publicJwk.computeThumbprint())
				|| (publicJwk.getAlgorithm() != null && !publicJwk.getAlgorithm().getName().equals(algorithm))) {
			return null;
		}
		boolean ed25519 = privateJwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
		boolean p256 = privateJwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
		if (!(ed25519 && JWSAlgorithm.EdDSA.getName().equals(algorithm))
				&& !(p256 && JWSAlgorithm.ES256.getName().equals(algorithm))) {
			return null;
		}
		return privateJwk;
	}

	static SigningKeys.ActiveKey activeKey(String kid, JWSAlgorithm algorithm, JWK privateJwk) {
		if (privateJwk instanceof OctetKeyPair okp) {
			return new SigningKeys.ActiveKey(kid, algorithm,
					new Ed25519JwsSigner(okp.getD().decode(), okp.getX().decode()));
		}
		if (privateJwk instanceof ECKey ec && ec.getD() != null) {
			return new SigningKeys.ActiveKey(kid, algorithm, new Es256JwsSigner(ec.getD().decodeToBigInteger()));
		}
		throw new IllegalStateException("Unusable signing key " + kid);
	}

	static JWK generate(JWSAlgorithm algorithm) {
		try {
			if (JWSAlgorithm.ES256.equals(algorithm)) {
				ECKey key = new ECKeyGenerator(Curve.P_256).algorithm(JWSAlgorithm.ES256)
					.keyUse(KeyUse.SIGNATURE)
					.generate();
				return new ECKey.Builder(key).keyIDFromThumbprint().build();
			}
			byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
			Ed25519.generatePrivateKey(new SecureRandom(), sk);
			byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
			Ed25519.generatePublicKey(sk, 0, pk, 0);
			OctetKeyPair key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pk)).d(Base64URL.encode(sk))
				.algorithm(JWSAlgorithm.EdDSA)
				.keyUse(KeyUse.SIGNATURE)
				.build();
			return new OctetKeyPair.Builder(key).keyIDFromThumbprint().build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate a signing key", ex);
		}
	}

	static PublicKey toPublicKey(JWK jwk) {
		try {
			if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
				// stored keys were fully validated when they were stored (registry,
				// provider)
				return Ed25519PublicKey.ofStored(okp.getX().decode());
			}
			if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
				return ec.toECPublicKey();
			}
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("Unusable public key " + jwk.getKeyID(), ex);
		}
		throw new IllegalArgumentException("Unsupported key type " + jwk.getKeyType());
	}

}
