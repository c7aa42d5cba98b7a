package dev.agentidp.tokens;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.OAuth2ClientAuthenticationFilter;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.DelegatingAuthenticationConverter;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Client authentication, as the authorization server's endpoints do it, for endpoints of
 * other security filter chains (the policy decision point's): Spring's
 * {@link OAuth2ClientAuthenticationFilter} with the same converters
 * ({@code private_key_jwt} with or without {@code client_id},
 * {@code client_secret_basic}), the same providers (the registry's clients and keys, the
 * stored-secret encoder, single use of assertion {@code jti}s, the failed-authentication
 * back-off) and the same audited failure handler ({@link OAuthDenialAuditor}: 401
 * {@code invalid_client} with {@code WWW-Authenticate}). Spring's own client
 * authentication configurer serves only the authorization server's endpoints, whose list
 * it fixes. The authorization server context (the issuer, which a client assertion's
 * {@code aud} must name) is set around the request as Spring's authorization server sets
 * it for its own endpoints.
 */
public final class ClientAuthentication {

	private final RegistryClients clients;

	private final OAuth2AuthorizationService authorizations;

	private final PasswordEncoder secrets;

	private final JwtDecoderFactory<RegisteredClient> assertions;

	private final AuthenticationFailureHandler denials;

	private final AuthorizationServerSettings settings;

	ClientAuthentication(RegistryClients clients, OAuth2AuthorizationService authorizations, PasswordEncoder secrets,
			JwtDecoderFactory<RegisteredClient> assertions, AuthenticationFailureHandler denials,
			AuthorizationServerSettings settings) {
		Assert.notNull(clients, "clients cannot be null");
		Assert.notNull(authorizations, "authorizations cannot be null");
		Assert.notNull(secrets, "secrets cannot be null");
		Assert.notNull(assertions, "assertions cannot be null");
		Assert.notNull(denials, "denials cannot be null");
		Assert.notNull(settings, "settings cannot be null");
		this.clients = clients;
		this.authorizations = authorizations;
		this.secrets = secrets;
		this.assertions = assertions;
		this.denials = denials;
		this.settings = settings;
	}

	/**
	 * A configurer that authenticates the clients of some endpoints.
	 * @param endpoints the requests to authenticate (others pass untouched)
	 * @return the configurer, to apply with {@code http.with(...)}
	 */
	public AbstractHttpConfigurer<?, HttpSecurity> forEndpoints(RequestMatcher endpoints) {
		Assert.notNull(endpoints, "endpoints cannot be null");
		return new Configurer(endpoints);
	}

	/**
	 * The handler that audits and answers a refused request (RFC 6749 §5.2 JSON, 401
	 * {@code invalid_client} with {@code WWW-Authenticate}, 400 otherwise), for an
	 * endpoint of such a chain that refuses a request after client authentication.
	 * @return the failure handler
	 */
	public AuthenticationFailureHandler failureHandler() {
		return this.denials;
	}

	private final class Configurer extends AbstractHttpConfigurer<Configurer, HttpSecurity> {

		private final RequestMatcher endpoints;

		Configurer(RequestMatcher endpoints) {
			this.endpoints = endpoints;
		}

		@Override
		public void configure(HttpSecurity http) {
			ClientAuthentication outer = ClientAuthentication.this;
			JwtClientAssertionAuthenticationProvider assertions = new JwtClientAssertionAuthenticationProvider(
					outer.clients, outer.authorizations);
			assertions.setJwtDecoderFactory(outer.assertions);
			ClientSecretAuthenticationProvider secrets = new ClientSecretAuthenticationProvider(outer.clients,
					outer.authorizations);
			secrets.setPasswordEncoder(outer.secrets);
			OAuth2ClientAuthenticationFilter filter = new OAuth2ClientAuthenticationFilter(
					new ProviderManager(List.of(new LastSeenAgentAuthentication(assertions, outer.clients), secrets)),
					this.endpoints);
			filter.setAuthenticationConverter(new DelegatingAuthenticationConverter(List.of(
					new SpiffeClientAssertionConverter(), new ClientAssertionWithoutClientIdConverter(),
					new JwtClientAssertionAuthenticationConverter(), new ClientSecretBasicAuthenticationConverter())));
			filter.setAuthenticationFailureHandler(outer.denials);
			http.addFilterBefore(new ContextFilter(outer.settings), AbstractPreAuthenticatedProcessingFilter.class);
			http.addFilterAfter(filter, AbstractPreAuthenticatedProcessingFilter.class);
		}

	}

	/**
	 * Sets the authorization server context (issuer and settings) for the request, as
	 * Spring's authorization server does on its own endpoints: the configured issuer, or
	 * the request's base URL when none is configured (the {@code dev} profile).
	 */
	private static final class ContextFilter extends OncePerRequestFilter {

		private final AuthorizationServerSettings settings;

		ContextFilter(AuthorizationServerSettings settings) {
			this.settings = settings;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String issuer = StringUtils.hasText(this.settings.getIssuer()) ? this.settings.getIssuer()
					: UriComponentsBuilder.fromUriString(UrlUtils.buildFullRequestUrl(request))
						.replacePath(request.getContextPath())
						.replaceQuery(null)
						.fragment(null)
						.build()
						.toUriString();
			AuthorizationServerSettings settings = this.settings;
			AuthorizationServerContextHolder.setContext(new AuthorizationServerContext() {

				@Override
				public String getIssuer() {
					return issuer;
				}

				@Override
				public AuthorizationServerSettings getAuthorizationServerSettings() {
					return settings;
				}

			});
			try {
				chain.doFilter(request, response);
			}
			finally {
				AuthorizationServerContextHolder.resetContext();
			}
		}

	}

}
