package dev.agentidp.tokens;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The {@link OAuth2AuthorizationService} Spring's authorization server asks for, keeping
 * nothing: every token is written by {@link AccessTokenMinter} to the token store
 * (docs/tokens.md "Design notes"), introspected and revoked by {@link TokenService}, and
 * no Spring provider that would store or read an authorization is kept
 * ({@link OAuthEndpoints#tokenProviders}). Without this bean Spring would fall back to an
 * in-memory store, which a provider added later could fill unnoticed on one node only; a
 * call to {@link #save} is a wiring mistake and fails loudly.
 */
final class NoStoredAuthorizations implements OAuth2AuthorizationService {

	@Override
	public void save(OAuth2Authorization authorization) {
		throw new IllegalStateException(
				"Authorizations are not stored: tokens are issued through AccessTokenMinter only");
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		// nothing is stored, so nothing to remove
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return null;
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		return null;
	}

}
