package dev.agentidp.registry;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Reads submitted public JWKs and generates Ed25519 key pairs. A submitted key with a
 * private part is refused before anything else looks at it; a generated private key is
 * handed back once and never kept.
 */
final class PublicKeys {

	/** JWK members that only a private or symmetric key has (RFC 7518 §6). */
	private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

	private static final SecureRandom RANDOM = new SecureRandom();

	private PublicKeys() {
	}

	/**
	 * Reads a public JWK as submitted (a JSON object as a map).
	 * @param field the field name for error messages
	 * @param members the JWK members
	 * @param now the time, for the new key's {@code createdAt}
	 * @return the key, active, with the server-computed kid
	 * @throws InvalidInputException when it is not a public Ed25519 or P-256 key
	 */
	static AgentKey read(String field, Map<String, Object> members, Instant now) {
		JWK jwk = readJwk(field, members);
		return new AgentKey(jwk.getKeyID(), jwk, KeyStatus.ACTIVE, now, null);
	}

	/**
	 * Reads a public JWK as submitted and returns its canonical public form.
	 * @param field the field name for error messages
	 * @param members the JWK members
	 * @return the public JWK with kid (RFC 7638 thumbprint) and alg set
	 */
	static JWK readJwk(String field, Map<String, Object> members) {
		if (members == null) {
			throw new InvalidInputException(field, "must be a JSON object (a public JWK)");
		}
		for (String member : members.keySet()) {
			if (PRIVATE_MEMBERS.contains(member)) {
				// never echo, log or keep the value
				throw new InvalidInputException(field,
						"must be a public key: it has a private member '" + member + "'; it was not stored");
			}
		}
		JWK jwk;
		try {
			jwk = JWK.parse(members);
		}
		catch (ParseException | RuntimeException ex) {
			throw new InvalidInputException(field, "is not a valid JWK (RFC 7517)");
		}
		if (jwk.isPrivate()) {
			throw new InvalidInputException(field, "must be a public key; it was not stored");
		}
		if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
			throw new InvalidInputException(field + ".use", "must be sig when present");
		}
		if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
			if (jwk.getAlgorithm() != null && !"EdDSA".equals(jwk.getAlgorithm().getName())
					&& !"Ed25519".equals(jwk.getAlgorithm().getName())) {
				throw new InvalidInputException(field + ".alg", "must be EdDSA or Ed25519 for an Ed25519 key");
			}
			byte[] x = okp.getX().decode();
			if (x.length != Ed25519.PUBLIC_KEY_SIZE || !Ed25519.validatePublicKeyFull(x, 0)) {
				throw new InvalidInputException(field + ".x", "is not a valid Ed25519 public key");
			}
			return withThumbprint(new OctetKeyPair.Builder(Curve.Ed25519, okp.getX()).algorithm(JWSAlgorithm.EdDSA));
		}
		if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
			if (jwk.getAlgorithm() != null && !"ES256".equals(jwk.getAlgorithm().getName())) {
				throw new InvalidInputException(field + ".alg", "must be ES256 for a P-256 key");
			}
			return withThumbprint(new ECKey.Builder(Curve.P_256, ec.getX(), ec.getY()).algorithm(JWSAlgorithm.ES256));
		}
		throw new InvalidInputException(field,
				"must be an Ed25519 (kty OKP, crv Ed25519) or P-256 (kty EC, crv P-256)" + " public key");
	}

	/**
	 * Generates an Ed25519 key pair with BouncyCastle.
	 * @return the public JWK (to store) and the private JWK (to hand out once)
	 */
	static GeneratedKey generateEd25519() {
		byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
		Ed25519.generatePrivateKey(RANDOM, secret);
		byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(secret, 0, publicKey, 0);
		JWK publicJwk = withThumbprint(
				new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(publicKey)).algorithm(JWSAlgorithm.EdDSA));
		OctetKeyPair privateJwk = new OctetKeyPair.Builder(publicJwk.toOctetKeyPair()).d(Base64URL.encode(secret))
			.build();
		java.util.Arrays.fill(secret, (byte) 0);
		return new GeneratedKey(publicJwk, privateJwk.toJSONObject());
	}

	private static JWK withThumbprint(OctetKeyPair.Builder builder) {
		try {
			return builder.keyIDFromThumbprint().build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

	private static JWK withThumbprint(ECKey.Builder builder) {
		try {
			return builder.keyIDFromThumbprint().build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

	/**
	 * A generated key pair.
	 *
	 * @param publicJwk the public JWK, stored
	 * @param privateJwk the private JWK members, returned once and never stored
	 */
	record GeneratedKey(JWK publicJwk, Map<String, Object> privateJwk) {

		@Override
		public String toString() {
			return "GeneratedKey[kid=" + this.publicJwk.getKeyID() + "]";
		}

	}

}
