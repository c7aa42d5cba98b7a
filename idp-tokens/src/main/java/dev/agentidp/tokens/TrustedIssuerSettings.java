package dev.agentidp.tokens;

import java.util.List;

/**
 * What an administrator writes of a trusted issuer (docs/api.md "Trusted issuers"); the
 * rules are {@link TrustedIssuers}'.
 *
 * @param issuer the issuer, exactly as its tokens' {@code iss}
 * @param kind what it vouches for
 * @param jwks its public keys, a JWK Set (RFC 7517 §5) as JSON text, or {@code null}
 * @param jwksUri where its JWK Set is fetched, or {@code null}; with neither, the
 * {@code jwks_uri} of its OpenID metadata
 * ({@code <issuer>/.well-known/openid-configuration})
 * @param audiences the {@code aud} values its tokens may carry to be accepted here; empty
 * for this provider's issuer (or token endpoint URL)
 * @param subjectPattern a regular expression every accepted {@code sub} must match
 * entirely, or {@code null}
 * @param trustDomain the SPIFFE trust domain whose IDs it may vouch for (required for
 * kind {@code spiffe}, else {@code null})
 * @param maxTokenAgeSeconds how old (by {@code iat}) one of its tokens may be when
 * presented, 1 to 86,400
 */
public record TrustedIssuerSettings(String issuer, TrustedIssuerKind kind, String jwks, String jwksUri,
		List<String> audiences, String subjectPattern, String trustDomain, int maxTokenAgeSeconds) {

	/**
	 * The age limit unless one is written: one hour, a projected token's default life.
	 */
	public static final int DEFAULT_MAX_TOKEN_AGE_SECONDS = 3600;

	public TrustedIssuerSettings {
		audiences = (audiences != null) ? List.copyOf(audiences) : List.of();
	}

}
