package dev.agentidp.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfException;

/**
 * The console's security chain ({@code /console/**}), before the application's default
 * chain: form login on the console's own page, a session cookie ({@code SameSite=Lax},
 * {@code Secure} outside the {@code dev} profile), CSRF protection on every form, the
 * absolute timeout ({@link SessionAgeLimit}), sign-out; deny by default. With
 * {@code idp.console.federation.issuer-uri} set, also {@code oauth2Login} at the
 * organisation's OpenID Connect provider ({@link FederatedSignIn}). Reading needs one of
 * the roles {@code admin}, {@code owner}, {@code auditor}; a POST (a change) needs
 * {@code admin} or {@code owner}, and each controller then applies {@link ConsoleAccess}
 * to the agent. A refusal to a signed-in person, or a forged or missing CSRF token, is
 * audited ({@code console.denied}) and answered with the 403 page.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

	/** The path of the 403 page, reached by a forward from the access-denied handler. */
	static final String DENIED_PATH = "/console/denied";

	@Bean
	@Order(5)
	SecurityFilterChain consoleChain(HttpSecurity http, People people, SignInThrottle throttle, ConsoleAudit audit,
			ConsoleProperties properties) throws Exception {
		PersonAuthenticationProvider provider = new PersonAuthenticationProvider(people, throttle, audit);
		List<AuthenticationProvider> providers = new ArrayList<>(List.of(provider));
		ConsoleProperties.Federation federation = properties.federation();
		FederatedSignIn federated = federation.enabled() ? new FederatedSignIn(federation, people, audit) : null;
		if (federated != null) {
			// the chain's own manager: the providers oauth2Login adds to HttpSecurity are
			// not used by it
			providers.add(new OidcAuthorizationCodeAuthenticationProvider(
					new RestClientAuthorizationCodeTokenResponseClient(), federated.userService()));
		}
		ProviderManager manager = new ProviderManager(providers);
		if (federated != null) {
			http.oauth2Login((login) -> login.loginPage("/console/login")
				.clientRegistrationRepository(new FederationRegistrations(federation))
				.authorizedClientRepository(new NoAuthorizedClients())
				.authorizationEndpoint((endpoint) -> endpoint.baseUri(FederationRegistrations.AUTHORIZATION_BASE_URI))
				.redirectionEndpoint((endpoint) -> endpoint.baseUri(FederationRegistrations.REDIRECT_BASE_URI + "/*"))
				.successHandler(federated.successHandler())
				.failureHandler(federated.failureHandler())
				.withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
					@Override
					public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
						// an unreachable discovery document is a refused sign-in
						// (audited, the sign-in page), not the filter's default 500
						filter.setAuthenticationFailureHandler(federated.failureHandler());
						return filter;
					}
				})
				.permitAll());
		}
		http.securityMatcher("/console", "/console/**")
			.authenticationManager(manager)
			.authorizeHttpRequests(
					(requests) -> requests.dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR)
						.permitAll()
						.requestMatchers(HttpMethod.GET, "/console/login", "/console/console.css")
						.permitAll()
						// clients, people and trusted issuers: admins only
						.requestMatchers("/console/clients", "/console/clients/**", "/console/people",
								"/console/people/**", "/console/trusted-issuers", "/console/trusted-issuers/**")
						.hasAuthority(Person.ADMIN)
						// the webhooks page (issue 20): admins only
						.requestMatchers("/console/webhooks", "/console/webhooks/**")
						.hasAuthority(Person.ADMIN)
						// the detection's reports (issue 20): admins and auditors, read
						// only
						.requestMatchers(HttpMethod.GET, "/console/reports")
						.hasAnyAuthority(Person.ADMIN, Person.AUDITOR)
						.requestMatchers("/console/reports", "/console/reports/**")
						.denyAll()
						// the audit page: admins and auditors, who may also start a
						// verification (issue 18: auditors "plus audit verify and
						// export")
						.requestMatchers(HttpMethod.GET, "/console/audit", "/console/audit/**")
						.hasAnyAuthority(Person.ADMIN, Person.AUDITOR)
						.requestMatchers(HttpMethod.POST, "/console/audit/verify")
						.hasAnyAuthority(Person.ADMIN, Person.AUDITOR)
						// the approvers' queue (issue 19): approvers decide, admins look
						.requestMatchers(HttpMethod.GET, "/console/approvals")
						.access(holdsApproverRoleOr(Person.ADMIN))
						.requestMatchers(HttpMethod.POST, "/console/approvals/*")
						.access(holdsApproverRoleOr())
						// where a sign-in lands: an approver who is nothing else goes on
						// to the
						// queue (InventoryController)
						.requestMatchers(HttpMethod.GET, "/console", "/console/")
						.access(holdsApproverRoleOr(Person.ADMIN, Person.OWNER, Person.AUDITOR))
						.requestMatchers(HttpMethod.GET, "/console", "/console/**")
						.hasAnyAuthority(Person.ADMIN, Person.OWNER, Person.AUDITOR)
						.requestMatchers(HttpMethod.POST, "/console/**")
						.hasAnyAuthority(Person.ADMIN, Person.OWNER)
						.anyRequest()
						.denyAll())
			.formLogin((form) -> form.loginPage("/console/login")
				.loginProcessingUrl("/console/login")
				.defaultSuccessUrl("/console")
				.failureUrl("/console/login?error")
				.permitAll())
			.logout((logout) -> logout.logoutUrl("/console/logout")
				.logoutSuccessUrl("/console/login?signedOut")
				.deleteCookies("JSESSIONID"))
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(denied(audit)))
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp
				// no inline script or style anywhere in the console: HTML that slipped
				// through escaping would still not run
				.policyDirectives("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
						+ " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")))
			.addFilterBefore(new SessionAgeLimit(properties.sessionMaxAge()), SecurityContextHolderFilter.class)
			.addFilterAfter(new DisabledPersonSignOut(people), SecurityContextHolderFilter.class);
		return http.build();
	}

	/**
	 * Grants a request to a person holding an {@code approver:<role>} or one of the roles
	 * given.
	 */
	private static AuthorizationManager<RequestAuthorizationContext> holdsApproverRoleOr(String... roles) {
		Set<String> others = Set.of(roles);
		return (authentication, context) -> {
			Authentication person = authentication.get();
			return new AuthorizationDecision(person != null && person.isAuthenticated() && person.getAuthorities()
				.stream()
				.map(GrantedAuthority::getAuthority)
				.anyMatch(
						(role) -> role != null && (role.startsWith(Person.APPROVER_PREFIX) || others.contains(role))));
		};
	}

	/**
	 * The session cookie is {@code Secure} outside the {@code dev} profile (the profile
	 * that also takes the issuer from the {@code Host} header): applied to the servlet
	 * context after Spring Boot's {@code server.servlet.session.cookie.*}, so that no
	 * setting can send it over plain HTTP in production. {@code SameSite=Lax} is
	 * {@code server.servlet.session.cookie.same-site} in application.yml.
	 */
	@Bean
	ServletContextInitializer secureSessionCookieOutsideDev(Environment environment) {
		return (servletContext) -> {
			if (!environment.acceptsProfiles(Profiles.of("dev"))) {
				servletContext.getSessionCookieConfig().setSecure(true);
			}
		};
	}

	/**
	 * Audits the refusal with the person as actor, then forwards to the 403 page (the
	 * reason is not shown: it may name another owner's agent).
	 */
	private static AccessDeniedHandler denied(ConsoleAudit audit) {
		return (request, response, ex) -> {
			Authentication caller = SecurityContextHolder.getContext().getAuthentication();
			String actor = (caller != null && caller.getPrincipal() instanceof SignedInPerson person) ? person.actor()
					: null;
			String reason = (ex instanceof CsrfException) ? "missing or invalid CSRF token"
					: (actor != null) ? "no role for this page or action" : "not signed in";
			audit.denied(request, actor, null, reason);
			response.setStatus(403);
			request.getRequestDispatcher(DENIED_PATH).forward(request, response);
		};
	}

}
