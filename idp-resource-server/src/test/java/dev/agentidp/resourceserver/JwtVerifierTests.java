package dev.agentidp.resourceserver;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The local RFC 9068 check ({@code token-check: jwt}): ES256 and EdDSA tokens from the
 * JWKS, {@code typ at+jwt}, {@code iss}, {@code exp} and {@code nbf} with the skew, and
 * key rotation (an unknown {@code kid} fetches the JWKS again, at most once per
 * interval).
 */
class JwtVerifierTests {

	private final StubProvider provider = new StubProvider();

	private final ECKey es256 = Proofs.ec("es-1");

	private final OctetKeyPair ed25519 = Proofs.ed("ed-1");

	@AfterEach
	void stop() {
		this.provider.close();
	}

	private JwtVerifier verifier() {
		this.provider.jwks = new JWKSet(List.<JWK>of(this.es256.toPublicJWK(), this.ed25519.toPublicJWK()));
		ResourceServerProperties properties = new ResourceServerProperties(URI.create(this.provider.issuer()),
				URI.create("https://tools.example.com"), null, null, null, TokenCheck.JWT, Duration.ZERO, 10,
				Duration.ofSeconds(60), 1000, false, List.of(), Duration.ofSeconds(60), Duration.ofSeconds(30),
				Duration.ofSeconds(5), List.of(), null);
		return new JwtVerifier(JwtVerifier.jwks(properties), properties, Clock.systemUTC());
	}

	private JWTClaimsSet.Builder claims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.provider.issuer())
			.subject("agent-1")
			.audience("https://tools.example.com")
			.claim("client_id", "agent-1")
			.claim("scope", "github:create_pr")
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)));
	}

	@Test
	void es256AndEdDsaAccessTokensVerify() {
		JwtVerifier verifier = verifier();
		VerifiedToken es = verifier.verify(Proofs.accessToken(this.es256, "at+jwt", claims().build()));
		assertThat(es.subject()).isEqualTo("agent-1");
		assertThat(es.scopes()).containsExactly("github:create_pr");
		VerifiedToken ed = verifier.verify(Proofs.accessToken(this.ed25519, "at+jwt",
				claims().claim("cnf", java.util.Map.of("jkt", "k")).build()));
		assertThat(ed.jkt()).isEqualTo("k");
	}

	@Test
	void anotherTypIssuerOrAnExpiredOrFutureTokenIsRefused() {
		JwtVerifier verifier = verifier();
		assertRefused(verifier, Proofs.accessToken(this.es256, "JWT", claims().build()), "typ must be at+jwt");
		assertRefused(verifier, Proofs.accessToken(this.es256, null, claims().build()), "typ must be at+jwt");
		assertRefused(verifier,
				Proofs.accessToken(this.es256, "at+jwt", claims().issuer("https://other.example.com").build()),
				"another issuer's");
		assertRefused(verifier, Proofs.accessToken(this.es256, "at+jwt",
				claims().expirationTime(Date.from(Instant.now().minusSeconds(120))).build()), "has expired");
		// within the skew: still accepted
		verifier.verify(Proofs.accessToken(this.es256, "at+jwt",
				claims().expirationTime(Date.from(Instant.now().minusSeconds(30))).build()));
		assertRefused(verifier, Proofs.accessToken(this.es256, "at+jwt",
				claims().notBeforeTime(Date.from(Instant.now().plusSeconds(120))).build()), "not valid yet");
		assertRefused(verifier, "not-a-jwt", "not a signed JWT");
		String token = Proofs.accessToken(this.es256, "at+jwt", claims().build());
		String[] parts = token.split("\\.");
		String hs256 = Base64URL.encode("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"es-1\"}") + "." + parts[1]
				+ "." + parts[2];
		assertRefused(verifier, hs256, "alg must be ES256 or EdDSA");
	}

	@Test
	void aTokenSignedByAKeyOutsideTheJwksIsRefused() {
		JwtVerifier verifier = verifier();
		// the same kid, another key
		assertRefused(verifier, Proofs.accessToken(Proofs.ec("es-1"), "at+jwt", claims().build()), "does not verify");
		assertRefused(verifier, Proofs.accessToken(Proofs.ed("ed-1"), "at+jwt", claims().build()), "does not verify");
	}

	@Test
	void aRotatedKeyIsFetchedOnItsFirstUseAndUnknownKidsDoNotHammerTheJwks() {
		JwtVerifier verifier = verifier();
		verifier.verify(Proofs.accessToken(this.es256, "at+jwt", claims().build()));
		int fetches = this.provider.jwksFetches.get();
		OctetKeyPair rotated = Proofs.ed("ed-2");
		this.provider.jwks = new JWKSet(
				List.<JWK>of(this.es256.toPublicJWK(), this.ed25519.toPublicJWK(), rotated.toPublicJWK()));
		assertThat(verifier.verify(Proofs.accessToken(rotated, "at+jwt", claims().build())).subject())
			.isEqualTo("agent-1");
		assertThat(this.provider.jwksFetches.get()).isEqualTo(fetches + 1);
		// more unknown kids within the interval: refused without fetching again
		for (int i = 0; i < 5; i++) {
			assertRefused(verifier, Proofs.accessToken(Proofs.ed("unknown-" + i), "at+jwt", claims().build()),
					"does not verify");
		}
		assertThat(this.provider.jwksFetches.get()).isLessThanOrEqualTo(fetches + 2);
	}

	private static void assertRefused(JwtVerifier verifier, String token, String reason) {
		assertThatExceptionOfType(InvalidAccessTokenException.class).isThrownBy(() -> verifier.verify(token))
			.withMessageContaining(reason);
	}

}
