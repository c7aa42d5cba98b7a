package dev.agentidp.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.agentidp.dpop.P256;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * {@code --dpop-alg ES256}: DPoP proofs (RFC 9449 §4.2) signed with ES256, the algorithm
 * of RFC 9449's own examples and of most DPoP clients, by one P-256 key per agent (made
 * the first time the agent sends a proof and kept, as a client keeps its DPoP key); a
 * fresh {@code jti} per proof. Signed with BouncyCastle, so that the load generator's
 * share of the two cores stays small.
 */
final class Es256DpopKeys {

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final SecureRandom random = new SecureRandom();

	private final Map<Integer, Key> keys = new ConcurrentHashMap<>();

	/** A P-256 private key and the proof header that carries its public half. */
	private record Key(ECPrivateKeyParameters privateKey, String encodedHeader) {

	}

	/**
	 * A fresh proof by the agent's DPoP key for a request without an access token.
	 * @param agent the agent's index
	 * @param htm the request's method
	 * @param htu the request's URI
	 * @return the compact JWS
	 */
	String proof(int agent, String htm, String htu) {
		Key key = this.keys.computeIfAbsent(agent, (index) -> generate());
		long now = System.currentTimeMillis() / 1000;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String jti = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
		String payload = "{\"jti\":\"" + jti + "\",\"htm\":\"" + htm + "\",\"htu\":\"" + htu + "\",\"iat\":" + now
				+ "}";
		String input = key.encodedHeader() + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
		byte[] message = input.getBytes(StandardCharsets.US_ASCII);
		byte[] hash = P256.sha256(message);
		ECDSASigner signer = new ECDSASigner();
		signer.init(true, key.privateKey());
		BigInteger[] rs = signer.generateSignature(hash);
		byte[] signature = new byte[2 * P256.COORDINATE_BYTES];
		P256.writeUnsigned(rs[0], signature, 0);
		P256.writeUnsigned(rs[1], signature, P256.COORDINATE_BYTES);
		return input + "." + B64.encodeToString(signature);
	}

	private Key generate() {
		ECKeyPairGenerator generator = new ECKeyPairGenerator();
		generator.init(new ECKeyGenerationParameters(P256.DOMAIN, this.random));
		AsymmetricCipherKeyPair pair = generator.generateKeyPair();
		ECPoint q = ((ECPublicKeyParameters) pair.getPublic()).getQ().normalize();
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
				+ B64.encodeToString(q.getAffineXCoord().getEncoded()) + "\",\"y\":\""
				+ B64.encodeToString(q.getAffineYCoord().getEncoded()) + "\"}}";
		return new Key((ECPrivateKeyParameters) pair.getPrivate(),
				B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)));
	}

}
