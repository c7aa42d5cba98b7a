package dev.agentidp.registry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Public keys: only public Ed25519 and P-256 keys, kid always the RFC 7638 thumbprint.
 */
class PublicKeysTests {

	private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

	@Test
	void ed25519KeyGetsItsThumbprintAsKidWhateverKidWasSubmitted() throws Exception {
		JWK generated = PublicKeys.generateEd25519().publicJwk();
		Map<String, Object> submitted = new LinkedHashMap<>(generated.toJSONObject());
		submitted.put("kid", "my-own-kid");
		AgentKey key = PublicKeys.read("jwk", submitted, NOW);
		assertThat(key.kid()).isEqualTo(generated.computeThumbprint().toString()).isNotEqualTo("my-own-kid");
		assertThat(key.jwk().getKeyID()).isEqualTo(key.kid());
		assertThat(key.jwk().getAlgorithm().getName()).isEqualTo("EdDSA");
		assertThat(key.status()).isEqualTo(KeyStatus.ACTIVE);
	}

	@Test
	void rfc8037ExampleKeyHasTheRfcThumbprint() {
		// RFC 8037 Appendix A.3
		Map<String, Object> members = Map.of("kty", "OKP", "crv", "Ed25519", "x",
				"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
		assertThat(PublicKeys.read("jwk", members, NOW).kid()).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	}

	@Test
	void p256KeyIsAccepted() {
		ECKey ec = TestAgents.p256();
		AgentKey key = PublicKeys.read("jwk", ec.toJSONObject(), NOW);
		assertThat(key.jwk()).isInstanceOf(ECKey.class);
		assertThat(key.jwk().getAlgorithm().getName()).isEqualTo("ES256");
	}

	@Test
	void keyWithAPrivatePartIsRejected() {
		Map<String, Object> members = PublicKeys.generateEd25519().privateJwk();
		assertThat(members).containsKey("d");
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> PublicKeys.read("jwk", members, NOW))
			.withMessage("jwk: must be a public key: it has a private member 'd'; it was not stored")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(members.get("d").toString()));
	}

	@Test
	void rsaSymmetricAndX25519KeysAreRejected() throws Exception {
		RSAKey rsa = new RSAKeyGenerator(2048).generate().toPublicJWK();
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> PublicKeys.read("jwk", rsa.toJSONObject(), NOW))
			.withMessageContaining("must be an Ed25519");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> PublicKeys.read("jwk", Map.of("kty", "oct", "k", "AAAA"), NOW))
			.withMessageContaining("private member 'k'");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> PublicKeys.read("jwk",
					Map.of("kty", "OKP", "crv", "X25519", "x", "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"), NOW))
			.withMessageContaining("must be an Ed25519");
	}

	@Test
	void malformedKeysAreRejected() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> PublicKeys.read("jwk", Map.of("kty", "OKP"), NOW))
			.withMessage("jwk: is not a valid JWK (RFC 7517)");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> PublicKeys.read("jwk", Map.of("kty", "OKP", "crv", "Ed25519", "x", "AAAA"), NOW))
			.withMessage("jwk.x: is not a valid Ed25519 public key");
		Map<String, Object> wrongAlg = new LinkedHashMap<>(PublicKeys.generateEd25519().publicJwk().toJSONObject());
		wrongAlg.put("alg", "RS256");
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> PublicKeys.read("jwk", wrongAlg, NOW))
			.withMessageStartingWith("jwk.alg:");
		Map<String, Object> encryption = new LinkedHashMap<>(PublicKeys.generateEd25519().publicJwk().toJSONObject());
		encryption.put("use", "enc");
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> PublicKeys.read("jwk", encryption, NOW))
			.withMessageStartingWith("jwk.use:");
	}

	@Test
	void generatedPairSignsAndVerifies() throws Exception {
		PublicKeys.GeneratedKey generated = PublicKeys.generateEd25519();
		OctetKeyPair privateJwk = OctetKeyPair.parse(generated.privateJwk());
		assertThat(privateJwk.getKeyID()).isEqualTo(generated.publicJwk().getKeyID());
		byte[] message = "hello".getBytes();
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		Ed25519.sign(privateJwk.getD().decode(), 0, message, 0, message.length, signature, 0);
		assertThat(Ed25519.verify(signature, 0, privateJwk.getX().decode(), 0, message, 0, message.length)).isTrue();
		assertThat(generated.toString()).doesNotContain(privateJwk.getD().toString());
		assertThat(generated.publicJwk().isPrivate()).isFalse();
	}

}
