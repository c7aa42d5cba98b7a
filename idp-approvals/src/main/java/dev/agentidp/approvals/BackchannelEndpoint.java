package dev.agentidp.approvals;

import dev.agentidp.tokens.ClientAuthentication;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.Assert;

/**
 * The backchannel authentication endpoint ({@code POST /oauth2/bc-authorize}, CIBA §7)
 * for the application's security chain: the token endpoint's client authentication
 * ({@link ClientAuthentication}), then the endpoint itself, ahead of the chain's
 * authorization (which should deny everything else). The chain that applies it matches
 * {@link #PATH}.
 */
public final class BackchannelEndpoint {

	/** The endpoint's path. */
	public static final String PATH = CibaGrant.ENDPOINT;

	private final Approvals approvals;

	private final ClientAuthentication clients;

	BackchannelEndpoint(Approvals approvals, ClientAuthentication clients) {
		Assert.notNull(approvals, "approvals cannot be null");
		Assert.notNull(clients, "clients cannot be null");
		this.approvals = approvals;
		this.clients = clients;
	}

	/**
	 * Applies client authentication and the endpoint to a chain.
	 * @param http the chain, matching {@link #PATH}
	 * @throws Exception as {@link HttpSecurity#with} does
	 */
	public void applyTo(HttpSecurity http) throws Exception {
		http.with(this.clients.forEndpoints(
				PathPatternRequestMatcher.withDefaults().matcher(org.springframework.http.HttpMethod.POST, PATH)),
				(configurer) -> {
				});
		http.with(new Configurer(), (configurer) -> {
		});
	}

	private final class Configurer extends AbstractHttpConfigurer<Configurer, HttpSecurity> {

		@Override
		public void configure(HttpSecurity http) {
			http.addFilterAfter(new BackchannelAuthenticationEndpointFilter(BackchannelEndpoint.this.approvals,
					BackchannelEndpoint.this.clients.failureHandler()), ExceptionTranslationFilter.class);
		}

	}

}
