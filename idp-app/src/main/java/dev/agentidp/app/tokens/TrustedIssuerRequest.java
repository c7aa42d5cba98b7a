package dev.agentidp.app.tokens;

import java.util.List;
import java.util.Map;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import dev.agentidp.tokens.TrustedIssuerKind;
import dev.agentidp.tokens.TrustedIssuerSettings;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of {@code POST /admin/v1/trusted-issuers}, and what a {@code PATCH} makes of
 * the current one (docs/api.md "Trusted issuers"). The types are bound here; the rules of
 * what a trusted issuer may be (URLs, keys, patterns, bounds) are
 * {@code TrustedIssuers}', one place for every writer.
 *
 * @param issuer required; the issuer, exactly as its tokens' {@code iss}
 * @param kind required; {@code kubernetes}, {@code spiffe}, {@code attester} or
 * {@code oidc}
 * @param jwks its public keys, a JWK Set, or {@code null}
 * @param jwksUri where its JWK Set is fetched, or {@code null}; with neither, its OpenID
 * metadata names it
 * @param audiences the {@code aud} values accepted; none for this provider's issuer
 * @param subjectPattern a regular expression every {@code sub} must match, or
 * {@code null}
 * @param trustDomain the SPIFFE trust domain (kind {@code spiffe} only)
 * @param maxTokenAgeSeconds 1 to 86,400; 3,600 by default
 */
@AdminBody(unknownField = "{field}: is not a member of a trusted issuer",
		serverSet = { "id", "createdAt", "updatedAt" })
record TrustedIssuerRequest(@NotNull(message = "is required") String issuer,
		@NotNull(message = "is required: kubernetes, spiffe, attester or oidc") @Pattern(
				regexp = "kubernetes|spiffe|attester|oidc",
				message = "must be kubernetes, spiffe, attester or oidc") @WrongType("kind: must be kubernetes, spiffe, attester or oidc") String kind,
		@WrongType("jwks: must be a JSON object (a JWK Set)") Map<String, Object> jwks, String jwksUri,
		@Size(max = 16,
				message = "must hold at most 16 elements") List<@NotNull(
						message = "must be a string") String> audiences,
		String subjectPattern, String trustDomain, Integer maxTokenAgeSeconds) {

	/** The members an administrator writes (a merge patch may name only these). */
	static final List<String> WRITABLE = List.of("issuer", "kind", "jwks", "jwksUri", "audiences", "subjectPattern",
			"trustDomain", "maxTokenAgeSeconds");

	/**
	 * The settings; call it on a checked body.
	 * @param json the mapper that writes the JWK Set back as text
	 * @return the settings
	 */
	TrustedIssuerSettings toSettings(JsonMapper json) {
		return new TrustedIssuerSettings(this.issuer, TrustedIssuerKind.from(this.kind).orElseThrow(),
				(this.jwks != null) ? json.writeValueAsString(this.jwks) : null, this.jwksUri, this.audiences,
				this.subjectPattern, this.trustDomain, (this.maxTokenAgeSeconds != null) ? this.maxTokenAgeSeconds
						: TrustedIssuerSettings.DEFAULT_MAX_TOKEN_AGE_SECONDS);
	}

}
