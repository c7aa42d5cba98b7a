package dev.agentidp.resourceserver;

import java.time.Clock;

import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.dpop.ReplayCheck;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Applies the kit to a Spring Security filter chain: the token filter before the chain's
 * authorization, the challenges as its entry point (401 with {@code WWW-Authenticate}),
 * 403 {@code insufficient_scope} for requests the chain's rules refuse, no session, no
 * CSRF (a token in a header is no ambient credential). The kit's default chain applies
 * it; an application with its own chain writes
 * {@code http.with(configurer, Customizer.withDefaults())} with the auto-configured bean.
 */
public final class AgentIdpResourceServerConfigurer
		extends AbstractHttpConfigurer<AgentIdpResourceServerConfigurer, HttpSecurity> {

	private final AccessTokenVerifier tokens;

	private final ReplayCheck replays;

	private final ResourceServerProperties properties;

	private final Refusals refusals;

	private final Challenges challenges;

	AgentIdpResourceServerConfigurer(AccessTokenVerifier tokens, ReplayCheck replays,
			ResourceServerProperties properties, Refusals refusals) {
		this.tokens = tokens;
		this.replays = replays;
		this.properties = properties;
		this.refusals = refusals;
		this.challenges = new Challenges(properties);
	}

	@Override
	public void init(HttpSecurity http) {
		AccessDeniedHandler insufficientScope = (request, response, ex) -> {
			this.refusals.refused("insufficient_scope", "the chain's rules refuse the request");
			String scheme = (request.getHeader("DPoP") != null) ? "DPoP" : "Bearer";
			this.challenges.write(response, HttpServletResponse.SC_FORBIDDEN, scheme, "insufficient_scope",
					"The access token does not allow this request");
		};
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(this.challenges)
				.accessDeniedHandler(insufficientScope));
	}

	@Override
	public void configure(HttpSecurity http) {
		// RFC 9449 §11.1: proofs are fresh within the window and used once
		DpopProofVerifier proofs = new DpopProofVerifier(this.replays, this.properties.dpopProofWindow(),
				Clock.systemUTC());
		http.addFilterBefore(
				new AccessTokenFilter(this.tokens, proofs, this.challenges, this.refusals, this.properties),
				BasicAuthenticationFilter.class);
	}

	/**
	 * The URL of this resource's RFC 9728 metadata, as the challenges name it.
	 * @return the URL
	 */
	public String metadataUrl() {
		return this.challenges.metadataUrl();
	}

}
