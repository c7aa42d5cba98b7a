package dev.agentidp.tokens;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.util.StringUtils;

/**
 * Shapes every access token as RFC 9068 asks: header {@code typ} {@code at+jwt} (§2.1),
 * {@code client_id} and a unique {@code jti} (§2.2), and {@code aud} = the configured
 * default audience, or the issuer when none is configured (docs/tokens.md "Contract").
 */
public final class AccessTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final String defaultAudience;

	/**
	 * @param defaultAudience {@code idp.tokens.default-audience}, or {@code null}
	 */
	public AccessTokenClaims(String defaultAudience) {
		this.defaultAudience = defaultAudience;
	}

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		context.getJwsHeader().type("at+jwt");
		String audience = StringUtils.hasText(this.defaultAudience) ? this.defaultAudience
				: context.getAuthorizationServerContext().getIssuer();
		context.getClaims()
			.audience(List.of(audience))
			.id(UUID.randomUUID().toString())
			.claim("client_id", context.getRegisteredClient().getClientId());
		// RFC 9068 §2.2.3 and RFC 8693 §4.2: scope is one space-separated string
		context.getClaims().claims((claims) -> {
			Object scope = claims.get("scope");
			if (scope instanceof Collection<?> scopes) {
				if (scopes.isEmpty()) {
					claims.remove("scope");
				}
				else {
					claims.put("scope", String.join(" ", scopes.stream().map(String::valueOf).sorted().toList()));
				}
			}
		});
	}

}
