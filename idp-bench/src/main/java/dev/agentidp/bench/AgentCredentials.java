package dev.agentidp.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An agent registered by the benchmark with a generated Ed25519 key, and the RFC 7523
 * client assertions and RFC 9449 DPoP proofs it signs with it: a fresh one, with a fresh
 * {@code jti}, for every request, as a real agent does.
 *
 * @param id the agent id (its {@code client_id})
 * @param kid the key's id
 * @param seed the 32-byte private key (RFC 8032 seed); never printed
 * @param publicKey the 32-byte public key
 */
record AgentCredentials(String id, String kid, byte[] seed, byte[] publicKey) {

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

	static AgentCredentials of(String id, String kid, String d, String x) {
		return new AgentCredentials(id, kid, B64_DECODER.decode(d), B64_DECODER.decode(x));
	}

	/**
	 * A fresh assertion ({@code alg} EdDSA, {@code iss} = {@code sub} = the agent,
	 * {@code aud} = the issuer, a random {@code jti}, valid for 60 s).
	 * @param audience the issuer
	 * @return the compact JWS
	 */
	String assertion(String audience) {
		long now = System.currentTimeMillis() / 1000;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String jti = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
		String header = "{\"alg\":\"EdDSA\",\"kid\":\"" + this.kid + "\",\"typ\":\"JWT\"}";
		String payload = "{\"iss\":\"" + this.id + "\",\"sub\":\"" + this.id + "\",\"aud\":\"" + audience
				+ "\",\"jti\":\"" + jti + "\",\"iat\":" + now + ",\"exp\":" + (now + 60) + "}";
		return sign(B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * A fresh DPoP proof (RFC 9449 §4.2) signed by the agent's own key: header
	 * {@code typ} {@code dpop+jwt}, {@code alg} EdDSA, the public {@code jwk}; a random
	 * {@code jti}, {@code htm}, {@code htu}, {@code iat} now, and {@code ath} when a
	 * token is presented with it.
	 * @param htm the request's method
	 * @param htu the request's URI
	 * @param accessToken the token presented with the proof, or {@code null} (token
	 * endpoint)
	 * @return the compact JWS
	 */
	String dpopProof(String htm, String htu, String accessToken) {
		long now = System.currentTimeMillis() / 1000;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String jti = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
				+ B64.encodeToString(this.publicKey) + "\"}}";
		String payload = "{\"jti\":\"" + jti + "\",\"htm\":\"" + htm + "\",\"htu\":\"" + htu + "\",\"iat\":" + now
				+ ((accessToken != null) ? ",\"ath\":\"" + ath(accessToken) + "\"" : "") + "}";
		return sign(B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
	}

	/** RFC 9449 §4.2: base64url of the SHA-256 of the token's ASCII. */
	private static String ath(String accessToken) {
		try {
			return B64.encodeToString(
					MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

	/** The JWS of a signing input, signed with BouncyCastle's Ed25519. */
	private String sign(String input) {
		byte[] message = input.getBytes(StandardCharsets.US_ASCII);
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(this.seed, 0, this.publicKey, 0, message, 0, message.length, signature, 0);
		return input + "." + B64.encodeToString(signature);
	}

	/**
	 * A client-credentials token request with a fresh assertion, for {@code crm:read}.
	 * @param audience the issuer
	 * @return the URL-encoded form
	 */
	String issuanceForm(String audience) {
		return "grant_type=client_credentials&client_id=" + this.id + "&client_assertion_type="
				+ ProviderClient.encode(ProviderClient.ASSERTION_TYPE) + "&client_assertion=" + assertion(audience)
				+ "&scope=crm%3Aread";
	}

	/**
	 * An RFC 7009 revocation form for one of this agent's tokens, authenticated with a
	 * fresh assertion.
	 * @param audience the issuer
	 * @param token the token to revoke
	 * @return the URL-encoded form
	 */
	String revocationForm(String audience, String token) {
		return "client_id=" + this.id + "&client_assertion_type=" + ProviderClient.encode(ProviderClient.ASSERTION_TYPE)
				+ "&client_assertion=" + assertion(audience) + "&token=" + token + "&token_type_hint=access_token";
	}

	@Override
	public String toString() {
		return "AgentCredentials[id=" + this.id + ", kid=" + this.kid + "]";
	}

}
