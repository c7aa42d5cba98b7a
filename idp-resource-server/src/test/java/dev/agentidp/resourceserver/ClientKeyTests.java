package dev.agentidp.resourceserver;

import java.time.Instant;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ClientKey}: RFC 7523 client assertions signed by the resource server's own key,
 * Ed25519 or P-256, that verify with its public key and carry the claims §3 requires.
 */
class ClientKeyTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	@Test
	void anEd25519KeySignsAnEdDsaAssertionThatItsPublicKeyVerifies() throws Exception {
		OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("rs-1").generate();
		SignedJWT jwt = SignedJWT.parse(new ClientKey(key.toJSONString()).assertion("rs", "https://idp", NOW));
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo("rs-1");
		byte[] input = jwt.getSigningInput();
		assertThat(Ed25519.verify(jwt.getSignature().decode(), 0, key.getDecodedX(), 0, input, 0, input.length))
			.isTrue();
		assertClaims(jwt);
	}

	@Test
	void aP256KeySignsAnEs256AssertionThatItsPublicKeyVerifies() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		SignedJWT jwt = SignedJWT.parse(new ClientKey(key.toJSONString()).assertion("rs", "https://idp", NOW));
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
		assertThat(jwt.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
		assertClaims(jwt);
	}

	@Test
	void aPublicKeyOrAnotherKindIsRefusedNamingTheSetting() throws Exception {
		OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).generate();
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientKey(key.toPublicJWK().toJSONString()))
			.withMessageContaining("agentidp.resource-server.client-jwk must hold the private key");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClientKey(new ECKeyGenerator(Curve.P_384).generate().toJSONString()))
			.withMessageContaining("must be an Ed25519 or P-256 key");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientKey("{not json"))
			.withMessageContaining("agentidp.resource-server.client-jwk is not a JWK");
	}

	private static void assertClaims(SignedJWT jwt) throws Exception {
		// RFC 7523 §3: iss and sub the client, aud the authorization server, exp, jti
		assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("rs");
		assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("rs");
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://idp");
		assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(60));
		assertThat(jwt.getJWTClaimsSet().getJWTID()).isNotBlank();
	}

}
