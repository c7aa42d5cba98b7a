package dev.agentidp.tokens;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.util.Assert;

/**
 * The client-credentials grant (RFC 6749 §4.4): Spring's converter reads the request,
 * {@link AgentClientCredentialsAuthenticationProvider} issues agents' tokens (rules in
 * {@link ClientCredentialsPolicy}), Spring's own provider issues those of clients that
 * are not agents; {@code grant_types_supported} gains {@code client_credentials}.
 */
final class ClientCredentialsGrant implements AuthorizationServerContribution {

	private final AuthenticationProvider agents;

	/**
	 * @param agents the provider of agents' tokens
	 */
	ClientCredentialsGrant(AuthenticationProvider agents) {
		Assert.notNull(agents, "agents cannot be null");
		this.agents = agents;
	}

	/**
	 * The agent provider first; Spring's client-credentials provider only for clients
	 * that are not agents.
	 */
	@Override
	public void tokenProviders(List<AuthenticationProvider> providers) {
		providers.replaceAll((provider) -> (provider instanceof OAuth2ClientCredentialsAuthenticationProvider)
				? forClientsThatAreNotAgents(provider) : provider);
		providers.add(0, this.agents);
	}

	@Override
	public void metadata(OAuth2AuthorizationServerMetadata.Builder metadata) {
		metadata.grantType(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());
	}

	/**
	 * Wraps Spring's client-credentials provider so that it never handles an agent.
	 * Needed because Spring's {@code ProviderManager} moves on to the next provider when
	 * one refuses: without this, a request the agent provider refused (a scope outside
	 * the capabilities, a malformed {@code ttl}) would be granted by Spring's provider.
	 * @param springProvider Spring's
	 * {@code OAuth2ClientCredentialsAuthenticationProvider}
	 * @return a provider that answers {@code null} for agents
	 */
	static AuthenticationProvider forClientsThatAreNotAgents(AuthenticationProvider springProvider) {
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

}
