/**
 * The authorization server: client authentication, client-credentials issuance, the
 * jti-keyed token store, introspection, revocation, the provider's signing keys, JWKS and
 * metadata. Built on Spring Security's authorization server seams.
 */
package dev.agentidp.tokens;
