package dev.agentidp.tokens;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.Assert;

/**
 * What a module plugs into the authorization server: a grant (its converter, its
 * provider, its metadata entries) or an endpoint. Each module that implements a grant
 * exposes one as a bean, ordered with {@code @Order}; the application applies them all
 * ({@link #customizer(List)}) and knows no grant by name.
 * <p>
 * Why not a plain {@code Customizer<OAuth2AuthorizationServerConfigurer>} per module:
 * Spring's token endpoint and metadata configurers keep <em>one</em>
 * {@code authenticationProviders(...)}, {@code accessTokenRequestConverters(...)} and
 * {@code authorizationServerMetadataCustomizer(...)} consumer each, so a second module
 * calling them would silently replace the first module's. Here each contribution gets the
 * lists and the metadata builder in turn, in bean order: the {@link OAuthEndpoints} first
 * (it keeps only what this provider serves of Spring's defaults), then each grant adds
 * its own.
 */
public interface AuthorizationServerContribution {

	/**
	 * Configures seams no other contribution uses (client authentication, introspection,
	 * revocation) or seams that add rather than replace. Never call the configurers'
	 * list-consumer methods here: use the methods below.
	 * @param server the authorization server's configurer
	 */
	default void configure(OAuth2AuthorizationServerConfigurer server) {
	}

	/**
	 * Edits the token endpoint's request converters (Spring's defaults, edited by the
	 * contributions ordered before this one); the first that returns a token wins.
	 * @param converters the converters
	 */
	default void tokenRequestConverters(List<AuthenticationConverter> converters) {
	}

	/**
	 * Edits the token endpoint's providers (Spring's defaults, edited by the
	 * contributions ordered before this one); they are asked in order.
	 * @param providers the providers
	 */
	default void tokenProviders(List<AuthenticationProvider> providers) {
	}

	/**
	 * Adds this contribution's RFC 8414 metadata entries (for a grant, its
	 * {@code grant_types_supported} value).
	 * @param metadata the metadata being built
	 */
	default void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
	}

	/**
	 * Applies every contribution, in the order given.
	 * @param contributions the contributions, ordered
	 * @return the customizer of the authorization server
	 */
	static Customizer<OAuth2AuthorizationServerConfigurer> customizer(
			List<? extends AuthorizationServerContribution> contributions) {
		Assert.notNull(contributions, "contributions cannot be null");
		List<AuthorizationServerContribution> all = List.copyOf(contributions);
		return (server) -> {
			all.forEach((contribution) -> contribution.configure(server));
			server.tokenEndpoint((token) -> token
				.accessTokenRequestConverters(
						(converters) -> all.forEach((contribution) -> contribution.tokenRequestConverters(converters)))
				.authenticationProviders(
						(providers) -> all.forEach((contribution) -> contribution.tokenProviders(providers))));
			server.authorizationServerMetadataEndpoint((endpoint) -> endpoint.authorizationServerMetadataCustomizer(
					(metadata) -> all.forEach((contribution) -> contribution.metadata(metadata))));
		};
	}

}
