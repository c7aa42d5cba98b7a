package dev.agentidp.approvals;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.Assert;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

import dev.agentidp.tokens.AuthorizationServerContribution;

/**
 * The CIBA grant (OpenID CIBA Core 1.0, poll mode) as this module plugs it into the
 * authorization server: its converter and provider at the token endpoint, and its RFC
 * 8414 metadata (CIBA §4: {@code backchannel_authentication_endpoint},
 * {@code backchannel_token_delivery_modes_supported}, the grant in
 * {@code grant_types_supported}; RFC 9396 §10:
 * {@code authorization_details_types_supported}).
 */
final class CibaGrant implements AuthorizationServerContribution {

	/** CIBA §10.1: the grant type. */
	static final AuthorizationGrantType GRANT_TYPE = new AuthorizationGrantType("urn:openid:params:grant-type:ciba");

	/** The backchannel authentication endpoint's path. */
	static final String ENDPOINT = "/oauth2/bc-authorize";

	private final AuthenticationConverter converter;

	private final AuthenticationProvider provider;

	CibaGrant(AuthenticationConverter converter, AuthenticationProvider provider) {
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
		providers.add(this.provider);
	}

	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		// as Spring names its own endpoints: the issuer, then the path
		String issuer = AuthorizationServerContextHolder.getContext().getIssuer();
		String endpoint = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + ENDPOINT;
		metadata.grantType(GRANT_TYPE.getValue())
			.claim("backchannel_authentication_endpoint", endpoint)
			.claim("backchannel_token_delivery_modes_supported", List.of("poll"))
			.claim("backchannel_user_code_parameter_supported", false)
			.claim("authorization_details_types_supported", List.of(AuthorizationDetail.TYPE));
	}

}
