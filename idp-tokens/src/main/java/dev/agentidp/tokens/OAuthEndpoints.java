package dev.agentidp.tokens;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.Assert;

/**
 * What the application plugs into Spring Security's authorization server endpoints: the
 * client-assertion decoder factory (for
 * {@code JwtClientAssertionAuthenticationProvider}), the agent client-credentials
 * provider, the introspection and revocation providers, and the failure handler that
 * audits every refusal.
 *
 * @param clientAssertionDecoders decodes {@code private_key_jwt} assertions with the
 * registry's keys
 * @param clientAssertionsWithoutClientId reads a {@code private_key_jwt} request that
 * names its client only in the assertion (RFC 7521 §4.2), ahead of Spring's converter
 * @param agentClientCredentials issues agent tokens by client credentials
 * @param introspection RFC 7662 from the token store
 * @param revocation RFC 7009 with cascade
 * @param denials audits and answers every refused request
 */
public record OAuthEndpoints(JwtDecoderFactory<RegisteredClient> clientAssertionDecoders,
		AuthenticationConverter clientAssertionsWithoutClientId, AuthenticationProvider agentClientCredentials,
		AuthenticationProvider introspection, AuthenticationProvider revocation, AuthenticationFailureHandler denials) {

	/**
	 * Wraps Spring's client-credentials provider so that it never handles an agent.
	 * Needed because Spring's {@code ProviderManager} moves on to the next provider when
	 * one refuses: without this, a request the agent provider refused (a scope outside
	 * the capabilities, a malformed {@code ttl}) would be granted by Spring's provider.
	 * @param springProvider Spring's
	 * {@code OAuth2ClientCredentialsAuthenticationProvider}
	 * @return a provider that answers {@code null} for agents
	 */
	public static AuthenticationProvider forClientsThatAreNotAgents(AuthenticationProvider springProvider) {
		Assert.notNull(springProvider, "springProvider cannot be null");
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				if (authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
						&& (client.getRegisteredClient() == null
								|| RegistryClients.agentOf(client.getRegisteredClient()).isPresent())) {
					return null;
				}
				return springProvider.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return springProvider.supports(authentication);
			}

		};
	}

	public OAuthEndpoints {
		Assert.notNull(clientAssertionDecoders, "clientAssertionDecoders cannot be null");
		Assert.notNull(clientAssertionsWithoutClientId, "clientAssertionsWithoutClientId cannot be null");
		Assert.notNull(agentClientCredentials, "agentClientCredentials cannot be null");
		Assert.notNull(introspection, "introspection cannot be null");
		Assert.notNull(revocation, "revocation cannot be null");
		Assert.notNull(denials, "denials cannot be null");
	}

}
