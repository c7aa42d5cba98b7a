package dev.agentidp.delegation;

import java.util.List;

import dev.agentidp.tokens.AuthorizationServerContribution;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.Assert;

/**
 * The token-exchange grant (RFC 8693) for sub-agent delegation, as this module plugs it
 * into the token endpoint: its converter (syntax, {@link ExchangeRequest}) ahead of
 * Spring's, its provider (semantics, {@link DelegationPolicy}) ahead of the others, and
 * {@code urn:ietf:params:oauth:grant-type:token-exchange} in
 * {@code grant_types_supported}.
 */
final class TokenExchangeGrant implements AuthorizationServerContribution {

	private final AuthenticationConverter converter;

	private final AuthenticationProvider provider;

	/**
	 * @param converter reads token-exchange requests
	 * @param provider issues narrowed sub-agent tokens
	 */
	TokenExchangeGrant(AuthenticationConverter converter, AuthenticationProvider provider) {
		Assert.notNull(converter, "converter cannot be null");
		Assert.notNull(provider, "provider cannot be null");
		this.converter = converter;
		this.provider = provider;
	}

	@Override
	public void tokenRequestConverters(List<AuthenticationConverter> converters) {
		converters.add(0, this.converter);
	}

	@Override
	public void tokenProviders(List<AuthenticationProvider> providers) {
		providers.add(0, this.provider);
	}

	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		metadata.grantType(AuthorizationGrantType.TOKEN_EXCHANGE.getValue());
	}

}
