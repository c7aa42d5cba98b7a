package dev.agentidp.resourceserver;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import org.springframework.util.Assert;

/**
 * The resource-server client's own private key
 * ({@code agentidp.resource-server.client-jwk}), and the RFC 7523 client assertions it
 * signs to authenticate as {@code private_key_jwt}: {@code iss} and {@code sub} the
 * client id, {@code aud} the provider's issuer, a fresh {@code jti}, a lifetime of 60 s.
 * Ed25519 ({@code EdDSA}, signed with BouncyCastle: Nimbus's own Ed25519 signer needs
 * Tink) or P-256 ({@code ES256}, Nimbus on the JDK).
 */
final class ClientKey {

	/** RFC 7523 §2.2. */
	static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final JWK key;

	/**
	 * @param jwk the private JWK as JSON
	 * @throws IllegalArgumentException when it is not an Ed25519 or P-256 private key
	 */
	ClientKey(String jwk) {
		JWK parsed;
		try {
			parsed = JWK.parse(jwk);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("agentidp.resource-server.client-jwk is not a JWK: " + ex.getMessage());
		}
		boolean ed25519 = parsed instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
		boolean p256 = parsed instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
		Assert.isTrue(ed25519 || p256, "agentidp.resource-server.client-jwk must be an Ed25519 or P-256 key");
		Assert.isTrue(parsed.isPrivate(), "agentidp.resource-server.client-jwk must hold the private key (d)");
		this.key = parsed;
	}

	/**
	 * A fresh client assertion.
	 * @param clientId the client
	 * @param audience the provider's issuer
	 * @param now the time
	 * @return the signed assertion
	 */
	String assertion(String clientId, String audience, Instant now) {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", clientId);
		claims.put("sub", clientId);
		claims.put("aud", audience);
		claims.put("jti", UUID.randomUUID().toString());
		claims.put("iat", now.getEpochSecond());
		claims.put("exp", now.plusSeconds(60).getEpochSecond());
		if (this.key instanceof OctetKeyPair okp) {
			return ed25519(okp, claims);
		}
		try {
			JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256);
			if (this.key.getKeyID() != null) {
				header.keyID(this.key.getKeyID());
			}
			JWSObject jws = new JWSObject(header.build(), new Payload(claims));
			jws.sign(new ECDSASigner((ECKey) this.key));
			return jws.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign a client assertion with ES256", ex);
		}
	}

	private static String ed25519(OctetKeyPair key, Map<String, Object> claims) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("alg", "EdDSA");
		if (key.getKeyID() != null) {
			fields.put("kid", key.getKeyID());
		}
		String header = JSONObjectUtils.toJSONString(fields);
		String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ B64.encodeToString(new Payload(claims).toString().getBytes(StandardCharsets.UTF_8));
		byte[] message = input.getBytes(StandardCharsets.US_ASCII);
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(key.getDecodedD(), 0, key.getDecodedX(), 0, message, 0, message.length, signature, 0);
		return input + "." + B64.encodeToString(signature);
	}

}
