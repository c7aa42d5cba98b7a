package dev.agentidp.tokens;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.util.Assert;

/**
 * The client-credentials grant (RFC 6749 §4.4): Spring's converter reads the request
 * (syntax), {@link ClientCredentialsAuthenticationProvider} decides and issues every
 * client's token (semantics, rules in {@link ClientCredentialsPolicy});
 * {@code grant_types_supported} gains {@code client_credentials}.
 */
final class ClientCredentialsGrant implements AuthorizationServerContribution {

	private final AuthenticationProvider provider;

	/**
	 * @param provider the grant's provider
	 */
	ClientCredentialsGrant(AuthenticationProvider provider) {
		Assert.notNull(provider, "provider cannot be null");
		this.provider = provider;
	}

	@Override
	public void tokenProviders(List<AuthenticationProvider> providers) {
		providers.add(this.provider);
	}

	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		metadata.grantType(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());
	}

}
