package dev.agentidp.app;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.agentidp.app.audit.AdminDenials;
import dev.agentidp.app.policy.AuthZenEndpoints;
import dev.agentidp.app.policy.PolicyCallers;
import dev.agentidp.app.signals.SsfCallers;
import dev.agentidp.audit.Refusals;
import dev.agentidp.console.ConsoleSessions;
import dev.agentidp.policy.PolicyDecisionPoint;
import dev.agentidp.tokens.AuthorizationServerContribution;
import dev.agentidp.approvals.BackchannelEndpoint;
import dev.agentidp.tokens.ClientAuthentication;
import dev.agentidp.tokens.RegistryClients;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.StringUtils;

/**
 * The security filter chains, deny by default:
 * <ol>
 * <li>the OAuth endpoints of the authorization server (RFC 6749 error JSON);</li>
 * <li>the backchannel authentication endpoint ({@code POST /oauth2/bc-authorize}, OpenID
 * CIBA, docs/approvals.md): client authentication as at the token endpoint, RFC 6749
 * error JSON;</li>
 * <li>the policy decision point (AuthZEN 1.0, {@code /access/v1/**}): its callers
 * authenticate as resource servers or admin clients, as at introspection, and its
 * metadata ({@code /.well-known/authzen-configuration}) is public;</li>
 * <li>the Shared Signals transmitter ({@code /ssf/**}): the Bearer access token of a
 * resource-server or admin client; its metadata ({@code /.well-known/ssf-configuration})
 * is public;</li>
 * <li>the admin API, an OAuth2 resource server over this provider's own tokens
 * ({@code idp:admin}; {@code idp:audit:read} suffices to read the audit trail), with RFC
 * 9457 problem documents for 401 and 403; it also accepts a signed-in console session
 * ({@link ConsoleSessions}: admin → {@code idp:admin}, auditor → {@code idp:audit:read},
 * CSRF token on unsafe methods);</li>
 * <li>the actuator: health and prometheus only;</li>
 * <li>the console ({@code /console/**}, {@code @Order(5)}), the console module's own
 * chain with form login and sessions (docs/console.md);</li>
 * <li>everything else: a 404 problem document.</li>
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final String ADMIN = "SCOPE_idp:admin";

	static final String AUDIT_READ = "SCOPE_idp:audit:read";

	/**
	 * The issuer. Outside the {@code dev} profile it must be configured: taken from each
	 * request's {@code Host} header, anyone who can reach the provider under another name
	 * would get tokens and metadata naming that host as the issuer.
	 */
	@Bean
	AuthorizationServerSettings authorizationServerSettings(IdpProperties properties, Environment environment) {
		AuthorizationServerSettings.Builder builder = AuthorizationServerSettings.builder();
		if (StringUtils.hasText(properties.issuer())) {
			builder.issuer(properties.issuer());
		}
		else if (!environment.acceptsProfiles(Profiles.of("dev"))) {
			throw new StartupFailureException(
					"idp.issuer is not set, and outside the dev profile the provider does not take its issuer from"
							+ " the Host header of each request.",
					"Set idp.issuer (environment: IDP_ISSUER) to the provider's public base URL, for example"
							+ " https://idp.example.com.");
		}
		return builder.build();
	}

	/**
	 * No Micrometer observation around each security filter, authentication and
	 * authorization: without this bean Spring Security wraps every filter of every chain
	 * in an observation even when {@code management.observations.enable.spring.security}
	 * is {@code false} (the observations are then dropped, the wrapping is still paid).
	 * Request rates and latencies per endpoint still come from
	 * {@code http.server.requests}.
	 */
	@Bean
	static SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * The OAuth endpoints, as the modules configure them: each module that serves an
	 * endpoint or a grant contributes its own converter, provider and metadata entries
	 * ({@link AuthorizationServerContribution}, in {@code @Order}); this chain names no
	 * grant.
	 */
	@Bean
	@Order(1)
	SecurityFilterChain authorizationServerChain(HttpSecurity http, List<AuthorizationServerContribution> contributions)
			throws Exception {
		OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
		http.securityMatcher(server.getEndpointsMatcher())
			.with(server, AuthorizationServerContribution.customizer(contributions))
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(oauthInvalidClient()))
			// Every request of this chain carries its own client authentication and no
			// cookie is ever set, so the browser-session filters have nothing to do here;
			// each costs CPU on the hot paths (BENCHMARKS.md). CSRF: this chain only
			// matches the OAuth endpoints, which CSRF ignored anyway; the authorization
			// server's configurer adds it back while it initializes, so it is removed
			// once more after that (WithoutCsrf). Without an anonymous user, a request
			// without client authentication meets the entry point above, as before (401
			// invalid_client).
			.with(new WithoutCsrf(), Customizer.withDefaults())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.anonymous((anonymous) -> anonymous.disable())
			.servletApi((servletApi) -> servletApi.disable());
		return http.build();
	}

	/**
	 * The policy decision point: Spring's client authentication as the OAuth endpoints
	 * have it ({@link ClientAuthentication}), or the caller's own access token as a
	 * Bearer credential, then only resource-server and admin clients pass; anyone else
	 * (no or bad credentials, an agent) is answered 401 {@code invalid_client} with
	 * {@code WWW-Authenticate} (RFC 6749 §5.2) and the refusal is recorded as
	 * {@code access.refused}.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain policyChain(HttpSecurity http, ClientAuthentication clients, PolicyDecisionPoint pdp,
			AuthZenEndpoints endpoints) throws Exception {
		http.securityMatcher("/access/**", PolicyCallers.METADATA_PATH)
			.with(clients.forEndpoints(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/access/**")),
					Customizer.withDefaults())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, PolicyCallers.METADATA_PATH)
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/access/v1/**")
				.access(PolicyCallers.resourceServersAndAdmins())
				.anyRequest()
				.denyAll())
			// a caller's own access token (RFC 6750), for those that authenticate with
			// private_key_jwt: RFC 7523 puts an assertion in a form body, and AuthZEN's
			// bodies are JSON
			.oauth2ResourceServer((rs) -> rs.jwt(Customizer.withDefaults())
				.authenticationEntryPoint(PolicyCallers.invalidBearer(pdp)))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(PolicyCallers.unauthorized(pdp))
				.accessDeniedHandler(PolicyCallers.notEntitled(pdp)))
			// the evaluation and search endpoints answer here, once the caller is
			// authorized, not through MVC (AuthZenEndpoints: the hottest path)
			.addFilterAfter(endpoints.filter(), AuthorizationFilter.class)
			// as on the authorization server's chain: without an anonymous user, a
			// request without credentials meets the entry point above, as before (401
			// invalid_client); nothing here reads the servlet API's user
			.anonymous((anonymous) -> anonymous.disable())
			.servletApi((servletApi) -> servletApi.disable());
		return bearerOnly(http);
	}

	/**
	 * A chain whose every request carries its caller's access token: no session, no
	 * cookie, so no CSRF, logout or saved request either.
	 */
	private static SecurityFilterChain bearerOnly(HttpSecurity http) throws Exception {
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/**
	 * The OpenID Shared Signals Framework transmitter (docs/signals.md): its metadata is
	 * public; stream management, status, verification and poll take the access token of a
	 * resource-server or admin client as a Bearer credential (SSF 1.0 §8.1); anyone else
	 * is answered 401 (no or a bad token) or 403 (an agent), recorded as
	 * {@code ssf.refused}.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain sharedSignalsChain(HttpSecurity http, Refusals audit) throws Exception {
		http.securityMatcher("/ssf/**", SsfCallers.METADATA_PATH)
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, SsfCallers.METADATA_PATH)
				.permitAll()
				.requestMatchers("/ssf/**")
				.access(PolicyCallers.resourceServersAndAdmins())
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer((rs) -> rs.jwt(Customizer.withDefaults())
				.authenticationEntryPoint(SsfCallers.unauthorized(audit))
				.accessDeniedHandler(SsfCallers.forbidden(audit)))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(SsfCallers.unauthorized(audit))
				.accessDeniedHandler(SsfCallers.forbidden(audit)));
		return bearerOnly(http);
	}

	/**
	 * The backchannel authentication endpoint (OpenID CIBA Core 1.0 §7): an agent
	 * authenticates as at the token endpoint ({@link BackchannelEndpoint}); any other
	 * method is answered 401 {@code invalid_client}.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain backchannelChain(HttpSecurity http, BackchannelEndpoint backchannel) throws Exception {
		http.securityMatcher(BackchannelEndpoint.PATH);
		backchannel.applyTo(http);
		http.authorizeHttpRequests((requests) -> requests.anyRequest().denyAll())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(oauthInvalidClient())
				.accessDeniedHandler((request, response, denied) -> oauthInvalidClient().commence(request, response,
						new org.springframework.security.authentication.InsufficientAuthenticationException("denied"))))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.anonymous((anonymous) -> anonymous.disable());
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain adminChain(HttpSecurity http, Refusals audit, ConsoleSessions consoleSessions)
			throws Exception {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setPrincipalClaimName("client_id");
		JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
		// only admin clients act on the admin API: an agent's token (client_id = its
		// UUID)
		// carries no authority here, whatever its scopes
		converter.setJwtGrantedAuthoritiesConverter(
				(jwt) -> RegistryClients.agentId(jwt.getClaimAsString("client_id")).isPresent()
						? List.<GrantedAuthority>of() : scopes.convert(jwt));
		http.securityMatcher("/admin/**")
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(HttpMethod.GET, "/admin/v1/audit", "/admin/v1/audit/**",
						"/admin/v1/agents/*/decisions", "/admin/v1/budgets/**", "/admin/v1/approvals")
				.hasAnyAuthority(ADMIN, AUDIT_READ)
				.requestMatchers("/admin/v1/**")
				.hasAuthority(ADMIN)
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer((rs) -> rs.jwt((jwt) -> jwt.jwtAuthenticationConverter(converter))
				.authenticationEntryPoint(problemUnauthorized(audit))
				.accessDeniedHandler(problemForbidden(audit)))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problemUnauthorized(audit))
				.accessDeniedHandler(problemForbidden(audit)))
			.requestCache((cache) -> cache.disable());
		// a signed-in console session too, with its roles as these scopes and its CSRF
		// token on unsafe methods (docs/console.md "The admin API from a session")
		consoleSessions.acceptOn(http);
		return http.build();
	}

	@Bean
	@Order(4)
	SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus")
				.permitAll()
				.anyRequest()
				.denyAll())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problemNotFound()))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(6)
	SecurityFilterChain defaultChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/error").permitAll().anyRequest().denyAll())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problemNotFound())
				.accessDeniedHandler((request, response, denied) -> ProblemResponses.write(response,
						ProblemResponses.problem(HttpStatus.NOT_FOUND, "No such resource", request))))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/**
	 * RFC 6749 §5.2: a request to an OAuth endpoint that fails client authentication gets
	 * 401 {@code invalid_client} with a {@code WWW-Authenticate} header.
	 */
	private static AuthenticationEntryPoint oauthInvalidClient() {
		return (request, response, ex) -> {
			response.setStatus(HttpStatus.UNAUTHORIZED.value());
			response.setHeader("WWW-Authenticate", "Basic realm=\"oauth\"");
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.getOutputStream()
				.write(("{\"error\":\"" + OAuth2ErrorCodes.INVALID_CLIENT
						+ "\",\"error_description\":\"Client authentication failed\"}")
					.getBytes(StandardCharsets.UTF_8));
		};
	}

	/**
	 * 401 problem document; the denial is recorded as {@code admin.denied} on the
	 * {@code _system} chain (never the token).
	 */
	private static AuthenticationEntryPoint problemUnauthorized(Refusals audit) {
		return (request, response, ex) -> {
			String header = request.getHeader("Authorization");
			boolean presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
			AdminDenials.record(audit, request, null, presented ? "invalid bearer token" : "missing bearer token");
			// RFC 6750 §3: invalid_token when a token was presented, no error code
			// otherwise
			response.setHeader("WWW-Authenticate", presented
					? "Bearer error=\"invalid_token\", error_description=\"The access token is not valid\"" : "Bearer");
			ProblemResponses.write(response,
					ProblemResponses.problem(HttpStatus.UNAUTHORIZED,
							presented ? "The bearer token is invalid, expired or not issued by this provider"
									: "A bearer token issued by this provider is required",
							request));
		};
	}

	/**
	 * 403 problem document; the denial is recorded as {@code admin.denied} on the
	 * {@code _system} chain, with the calling client as actor.
	 */
	private static AccessDeniedHandler problemForbidden(Refusals audit) {
		return (request, response, ex) -> {
			Authentication caller = SecurityContextHolder.getContext().getAuthentication();
			String name = (caller != null) ? caller.getName() : null;
			if (ex instanceof CsrfException) {
				AdminDenials.record(audit, request, name, "missing or invalid CSRF token");
				ProblemResponses.write(response,
						ProblemResponses.problem(HttpStatus.FORBIDDEN,
								"A request signed in by a console session must carry the session's CSRF token"
										+ " (X-CSRF-TOKEN header or _csrf parameter)",
								request));
				return;
			}
			AdminDenials.record(audit, request, name, "insufficient scope");
			if (ConsoleSessions.isSession(caller)) {
				ProblemResponses.write(response,
						ProblemResponses.problem(HttpStatus.FORBIDDEN,
								"The signed-in person's roles do not allow this operation (admin; auditor may read the"
										+ " audit trail)",
								request));
				return;
			}
			response.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"idp:admin\"");
			ProblemResponses.write(response, ProblemResponses.problem(HttpStatus.FORBIDDEN,
					"The token lacks the scope this operation requires (idp:admin)", request));
		};
	}

	private static AuthenticationEntryPoint problemNotFound() {
		return (request, response, ex) -> ProblemResponses.write(response,
				ProblemResponses.problem(HttpStatus.NOT_FOUND, "No such resource", request));
	}

	/**
	 * Removes CSRF protection from the authorization server's chain after
	 * {@link OAuth2AuthorizationServerConfigurer#init} has added it back (it applies
	 * {@code csrf().ignoringRequestMatchers(endpoints)} whatever was configured before).
	 * Configurers initialize in the order they were applied, so this one, applied after
	 * the server's, runs last.
	 */
	static final class WithoutCsrf extends AbstractHttpConfigurer<WithoutCsrf, HttpSecurity> {

		@Override
		public void init(HttpSecurity http) {
			http.csrf((csrf) -> csrf.disable());
		}

	}

}
