package dev.agentidp.resourceserver;

import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.dpop.DpopProofVerifier;

/** Keys and signed JWTs for the kit's tests: DPoP proofs, and tokens for local checks. */
final class Proofs {

	private Proofs() {
	}

	static ECKey ec(String kid) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static OctetKeyPair ed(String kid) {
		try {
			return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String thumbprint(JWK key) {
		try {
			return key.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A proof by {@code key} for {@code method uri} with the token's {@code ath}. */
	static String proof(JWK key, String method, String uri, String token, Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", uri)
			.issueTime(new Date());
		if (token != null) {
			builder.claim("ath", DpopProofVerifier.sha256(token));
		}
		claims.accept(builder);
		return sign(key, new JWSHeader.Builder(algorithm(key)).type(DpopProofVerifier.DPOP_JWT).jwk(key.toPublicJWK()),
				builder.build());
	}

	static String proof(JWK key, String method, String uri, String token) {
		return proof(key, method, uri, token, (claims) -> {
		});
	}

	/** An RFC 9068 access token signed by {@code key}. */
	static String accessToken(JWK key, String type, JWTClaimsSet claims) {
		JWSHeader.Builder header = new JWSHeader.Builder(algorithm(key)).keyID(key.getKeyID());
		if (type != null) {
			header.type(new JOSEObjectType(type));
		}
		return sign(key, header, claims);
	}

	static JWSAlgorithm algorithm(JWK key) {
		return (key instanceof OctetKeyPair) ? JWSAlgorithm.EdDSA : JWSAlgorithm.ES256;
	}

	static String sign(JWK key, JWSHeader.Builder header, JWTClaimsSet claims) {
		try {
			JWSSigner signer = (key instanceof OctetKeyPair okp) ? new Ed25519Signer(okp)
					: new ECDSASigner((ECKey) key);
			SignedJWT jwt = new SignedJWT(header.build(), claims);
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
