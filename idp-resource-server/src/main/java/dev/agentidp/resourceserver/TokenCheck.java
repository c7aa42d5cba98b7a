package dev.agentidp.resourceserver;

/**
 * How the kit checks an access token ({@code agentidp.resource-server.token-check}).
 */
public enum TokenCheck {

	/**
	 * RFC 7662 introspection at the provider, as a resource-server client: a revocation
	 * counts at once (or after the configured cache time). The default.
	 */
	INTROSPECTION,

	/**
	 * Locally, as an RFC 9068 JWT ({@code typ at+jwt}, ES256 or EdDSA, keys from the
	 * provider's JWKS): no call per request, but a revoked token counts until it expires.
	 */
	JWT

}
