package dev.agentidp.tokens;

import java.security.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the decoder of this provider's own access tokens: RFC 9068 {@code typ}
 * {@code at+jwt}, signed by one of the provider's published keys (looked up by
 * {@code kid}), with the algorithm that key is for, no {@code crit} header, not expired
 * (configurable skew, 60 s by default), and, when {@code idp.issuer} is set, from that
 * issuer.
 */
final class ProviderJwtDecoders {

	/** The clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
	public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

	private ProviderJwtDecoders() {
	}

	/**
	 * A decoder of access tokens signed by this provider.
	 * @param keys the provider's keys
	 * @param issuer the configured issuer, or {@code null} to accept the issuer the token
	 * names (the signature already proves it is ours)
	 * @return the decoder
	 */
	public static JwtDecoder accessTokens(SigningKeys keys, String issuer) {
		return accessTokens(keys, issuer, CLOCK_SKEW);
	}

	/**
	 * A decoder of access tokens signed by this provider.
	 * @param keys the provider's keys
	 * @param issuer the configured issuer, or {@code null} to accept the issuer the token
	 * names (the signature already proves it is ours)
	 * @param clockSkew the skew tolerated on {@code exp} and {@code nbf}
	 * @return the decoder
	 */
	public static JwtDecoder accessTokens(SigningKeys keys, String issuer, Duration clockSkew) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new ProviderKeySelector(keys));
		processor.setJWSVerifierFactory(new StrictJoseVerifiers());
		// RFC 9068 §4: the resource server MUST verify that the typ header is at+jwt
		processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator(clockSkew));
		if (issuer != null && !issuer.isBlank()) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}

	private static final class ProviderKeySelector implements JWSKeySelector<SecurityContext> {

		private final SigningKeys keys;

		ProviderKeySelector(SigningKeys keys) {
			this.keys = keys;
		}

		@Override
		public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) {
			JWSAlgorithm alg = header.getAlgorithm();
			return this.keys.verificationKey(header.getKeyID())
				.filter((key) -> matches(alg, key))
				.map(List::of)
				.orElse(List.of());
		}

		private static boolean matches(JWSAlgorithm alg, Key key) {
			if (key instanceof Ed25519PublicKey) {
				return JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg);
			}
			return JWSAlgorithm.ES256.equals(alg) && key instanceof java.security.interfaces.ECPublicKey;
		}

	}

}
