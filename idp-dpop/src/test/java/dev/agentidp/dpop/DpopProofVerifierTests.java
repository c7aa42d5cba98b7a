package dev.agentidp.dpop;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each RFC 9449 §4.3 check of {@link DpopProofVerifier}, alone, with an in-memory replay
 * check (the provider's, in PostgreSQL, is tested with the token endpoint).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpopProofVerifierTests {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private static final String TOKEN_ENDPOINT = "https://idp.example.com/oauth2/token";

	private DpopProofVerifier proofs;

	private final OctetKeyPair ed25519 = generate();

	private final Set<String> used = ConcurrentHashMap.newKeySet();

	@BeforeAll
	void create() {
		this.proofs = new DpopProofVerifier((jkt, jti, keepUntil) -> this.used.add(jkt + " " + jti),
				Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));
	}

	private static OctetKeyPair generate() {
		byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
		Ed25519.generatePrivateKey(new SecureRandom(), secret);
		byte[] x = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(secret, 0, x, 0);
		return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(secret)).build();
	}

	/** Signs with BouncyCastle's Ed25519 (Nimbus's own signer needs Tink). */
	private static JWSSigner ed25519Signer(OctetKeyPair key) {
		byte[] secret = key.getD().decode();
		byte[] publicKey = key.getX().decode();
		return new JWSSigner() {

			@Override
			public Base64URL sign(JWSHeader header, byte[] signingInput) {
				byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
				Ed25519.sign(secret, 0, publicKey, 0, signingInput, 0, signingInput.length, signature, 0);
				return Base64URL.encode(signature);
			}

			@Override
			public Set<JWSAlgorithm> supportedJWSAlgorithms() {
				return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
			}

			@Override
			public JCAContext getJCAContext() {
				return new JCAContext();
			}

		};
	}

	private String proof(Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) {
		JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(DpopProofVerifier.DPOP_JWT)
			.jwk(this.ed25519.toPublicJWK());
		header.accept(h);
		JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", "POST")
			.claim("htu", TOKEN_ENDPOINT)
			.issueTime(Date.from(NOW));
		claims.accept(c);
		SignedJWT jwt = new SignedJWT(h.build(), c.build());
		try {
			jwt.sign(ed25519Signer(this.ed25519));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private String proof() {
		return proof((h) -> {
		}, (c) -> {
		});
	}

	private void assertRefused(String proof, String description) {
		assertRefused(proof, TOKEN_ENDPOINT, null, description);
	}

	private void assertRefused(String proof, String uri, String accessToken, String description) {
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(() -> this.proofs.verify(proof, "POST", uri, accessToken))
			.withMessageContaining(description);
	}

	@Test
	void verifyWhenWellFormedThenTheKeysThumbprint() throws JOSEException {
		DpopProof proof = this.proofs.verify(proof(), "POST", TOKEN_ENDPOINT, null);
		assertThat(proof.jkt()).isEqualTo(this.ed25519.computeThumbprint().toString());
		assertThat(proof.jwk().isPrivate()).isFalse();
	}

	@Test
	void verifyWhenEs256ThenAccepted() throws JOSEException {
		ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).type(DpopProofVerifier.DPOP_JWT)
					.jwk(ec.toPublicJWK())
					.build(),
				new JWTClaimsSet.Builder().jwtID("es")
					.claim("htm", "POST")
					.claim("htu", TOKEN_ENDPOINT)
					.issueTime(Date.from(NOW))
					.build());
		jwt.sign(new ECDSASigner(ec));
		assertThat(this.proofs.verify(jwt.serialize(), "POST", TOKEN_ENDPOINT, null).jkt())
			.isEqualTo(ec.computeThumbprint().toString());
	}

	@Test
	void verifyWhenTheNonceCheckRefusesThenUseDpopNonceAndTheJtiIsNotUsedUp() {
		NonceCheck onlyGood = (nonce) -> {
			if (!"good".equals(nonce)) {
				throw new UseDpopNonceException((nonce == null) ? "missing" : "not ours");
			}
		};
		String withoutNonce = proof();
		assertThatExceptionOfType(UseDpopNonceException.class)
			.isThrownBy(() -> this.proofs.verify(withoutNonce, "POST", TOKEN_ENDPOINT, null, onlyGood))
			.withMessage("missing");
		String forged = proof((h) -> {
		}, (c) -> c.claim("nonce", "bad"));
		assertThatExceptionOfType(UseDpopNonceException.class)
			.isThrownBy(() -> this.proofs.verify(forged, "POST", TOKEN_ENDPOINT, null, onlyGood))
			.withMessage("not ours");
		// RFC 9449 §4.3 step 10 comes before the replay check: the refused proofs'
		// jtis are still unused
		assertThat(this.proofs.verify(withoutNonce, "POST", TOKEN_ENDPOINT, null)).isNotNull();
		String good = proof((h) -> {
		}, (c) -> c.claim("nonce", "good"));
		assertThat(this.proofs.verify(good, "POST", TOKEN_ENDPOINT, null, onlyGood)).isNotNull();
	}

	@Test
	void verifyWhenReplayedThenInvalidDpopProof() {
		String proof = proof();
		this.proofs.verify(proof, "POST", TOKEN_ENDPOINT, null);
		assertRefused(proof, "used before");
	}

	@Test
	void verifyWhenMissingOrTooLargeOrNotAJwsThenInvalidDpopProof() {
		assertRefused("", "missing");
		assertRefused("a".repeat(DpopProofVerifier.MAX_PROOF_LENGTH + 1), "larger than 8 KiB");
		assertRefused("not.a.jws", "not a signed JWT");
	}

	@Test
	void verifyWhenTypIsNotDpopJwtThenInvalidDpopProof() {
		assertRefused(proof((h) -> h.type(JOSEObjectType.JWT), (c) -> {
		}), "typ must be dpop+jwt");
	}

	@Test
	void verifyWhenSymmetricAlgorithmThenInvalidDpopProof() throws JOSEException {
		SignedJWT hs = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).type(DpopProofVerifier.DPOP_JWT)
					.jwk(this.ed25519.toPublicJWK())
					.build(),
				new JWTClaimsSet.Builder().jwtID("hs")
					.claim("htm", "POST")
					.claim("htu", TOKEN_ENDPOINT)
					.issueTime(Date.from(NOW))
					.build());
		hs.sign(new MACSigner(new byte[32]));
		assertRefused(hs.serialize(), "alg must be one of");
	}

	@Test
	void verifyWhenUnsignedThenInvalidDpopProof() {
		String[] parts = proof().split("\\.");
		String none = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					"{\"alg\":\"none\",\"typ\":\"dpop+jwt\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertRefused(none + "." + parts[1] + ".", "not a signed JWT");
	}

	@Test
	void verifyWhenJwkCarriesThePrivateKeyThenInvalidDpopProof() {
		// Nimbus will not build such a header: splice the private JWK in by hand
		String[] parts = proof().split("\\.");
		String header = "{\"alg\":\"EdDSA\",\"typ\":\"dpop+jwt\",\"jwk\":" + this.ed25519.toJSONString() + "}";
		String spliced = Base64URL.encode(header) + "." + parts[1] + "." + parts[2];
		assertRefused(spliced, "must not contain a private key");
	}

	@Test
	void verifyWhenNoJwkThenInvalidDpopProof() {
		assertRefused(proof((h) -> h.jwk(null), (c) -> {
		}), "has no jwk");
	}

	@Test
	void verifyWhenSignedByAnotherKeyThanItsJwkThenInvalidDpopProof() {
		OctetKeyPair other = generate();
		assertRefused(proof((h) -> h.jwk(other.toPublicJWK()), (c) -> {
		}), "does not verify");
	}

	@Test
	void verifyWhenJwkDoesNotFitTheAlgorithmThenInvalidDpopProof() throws JOSEException {
		ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
		assertRefused(proof((h) -> h.jwk(ec.toPublicJWK()), (c) -> {
		}), "not a key for alg EdDSA");
	}

	@Test
	void verifyWhenHtmDiffersThenInvalidDpopProof() {
		assertRefused(proof((h) -> {
		}, (c) -> c.claim("htm", "GET")), "htm does not match");
	}

	@Test
	void verifyWhenHtuDiffersThenInvalidDpopProof() {
		assertRefused(proof((h) -> {
		}, (c) -> c.claim("htu", "https://idp.example.com/oauth2/introspect")), "htu does not match");
		assertRefused(proof((h) -> {
		}, (c) -> c.claim("htu", "https://evil.example.com/oauth2/token")), "htu does not match");
	}

	@Test
	void verifyWhenHtuDiffersOnlyByRfc3986NormalisationOrQueryThenAccepted() {
		for (String htu : new String[] { "HTTPS://IDP.example.com:443/oauth2/token",
				"https://idp.example.com/oauth2/./token", "https://idp.example.com/oauth2/token?x=1#f" }) {
			this.proofs.verify(proof((h) -> {
			}, (c) -> c.claim("htu", htu)), "POST", TOKEN_ENDPOINT, null);
		}
		assertThat(DpopProofVerifier.normalised("https://idp.example.com/a%2fb"))
			.isEqualTo("https://idp.example.com/a%2Fb");
		assertThat(DpopProofVerifier.normalised("https://idp.example.com")).isEqualTo("https://idp.example.com/");
		assertThat(DpopProofVerifier.normalised("ftp://idp.example.com/x")).isEmpty();
	}

	@Test
	void verifyWhenIatOutsideTheWindowThenInvalidDpopProof() {
		assertRefused(proof((h) -> {
		}, (c) -> c.issueTime(Date.from(NOW.minusSeconds(61)))), "outside the accepted window");
		assertRefused(proof((h) -> {
		}, (c) -> c.issueTime(Date.from(NOW.plusSeconds(61)))), "outside the accepted window");
		assertRefused(proof((h) -> {
		}, (c) -> c.issueTime(null)), "needs an iat");
	}

	@Test
	void verifyWhenJtiMissingOrTooLongThenInvalidDpopProof() {
		assertRefused(proof((h) -> {
		}, (c) -> c.jwtID(null)), "needs a jti");
		assertRefused(proof((h) -> {
		}, (c) -> c.jwtID("j".repeat(257))), "needs a jti");
	}

	@Test
	void verifyWhenAccessTokenPresentedThenAthMustBeItsHash() {
		String token = "eyJ.token.value";
		this.proofs.verify(proof((h) -> {
		}, (c) -> c.claim("ath", DpopProofVerifier.sha256(token))), "POST", TOKEN_ENDPOINT, token);
		assertRefused(proof(), TOKEN_ENDPOINT, token, "ath does not match");
		assertRefused(proof((h) -> {
		}, (c) -> c.claim("ath", DpopProofVerifier.sha256("another"))), TOKEN_ENDPOINT, token, "ath does not match");
	}

}
