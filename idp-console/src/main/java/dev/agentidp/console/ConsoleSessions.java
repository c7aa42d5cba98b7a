package dev.agentidp.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The kit that lets another chain accept a signed-in console session (issue 18, "the
 * admin REST API also accepts a signed-in session ... with the same role rules"): the
 * admin API applies it to its chain beside its bearer tokens. The session is read, never
 * created or written; its absolute timeout applies; the person's roles become the admin
 * API's scopes ({@code admin} → {@code idp:admin}, {@code auditor} →
 * {@code idp:audit:read}; {@code owner} and approvers get none there), so that the
 * chain's rules stay the ones its tokens meet. A request whose credential is the session
 * (no {@code Authorization} header, a session) must carry the session's CSRF token for an
 * unsafe method ({@code X-CSRF-TOKEN} header or {@code _csrf} parameter, the token of the
 * console's forms); a request with a bearer token needs none, as no browser adds that
 * header on its own.
 */
@Component
public final class ConsoleSessions {

	/** The admin API's authority of {@code idp:admin}. */
	public static final String ADMIN_SCOPE = "SCOPE_idp:admin";

	/** The admin API's authority of {@code idp:audit:read}. */
	public static final String AUDIT_READ_SCOPE = "SCOPE_idp:audit:read";

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final ConsoleProperties properties;

	private final People people;

	ConsoleSessions(ConsoleProperties properties, People people) {
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(people, "people cannot be null");
		this.properties = properties;
		this.people = people;
	}

	/**
	 * Makes the chain accept a console session: reads its security context (read-only,
	 * with the roles mapped to scopes), requires its CSRF token on unsafe methods, and
	 * applies the absolute timeout. Replaces the chain's {@code STATELESS} session policy
	 * and its disabled CSRF protection.
	 * @param http the chain
	 * @throws Exception as {@link HttpSecurity}'s configurers do
	 */
	public void acceptOn(HttpSecurity http) throws Exception {
		http.securityContext((context) -> context.securityContextRepository(new SessionAsScopes()))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
			.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(ConsoleSessions::credentialIsTheSession))
			.addFilterBefore(new SessionAgeLimit(this.properties.sessionMaxAge()), SecurityContextHolderFilter.class)
			.addFilterAfter(new DisabledPersonSignOut(this.people), SecurityContextHolderFilter.class);
	}

	/**
	 * Whether the caller is a console session rather than a token.
	 * @param authentication the caller
	 * @return {@code true} for a signed-in person
	 */
	public static boolean isSession(Authentication authentication) {
		return authentication instanceof SessionAuthentication;
	}

	/**
	 * An unsafe method whose only credential can be the session cookie: the CSRF check
	 * (RFC 9110 §9.2.1 safe methods are exempt).
	 */
	static boolean credentialIsTheSession(HttpServletRequest request) {
		return !SAFE_METHODS.contains(request.getMethod()) && request.getHeader(HttpHeaders.AUTHORIZATION) == null
				&& request.getSession(false) != null;
	}

	/** The admin API's authorities of a person's roles. */
	static List<GrantedAuthority> scopes(SignedInPerson person) {
		List<GrantedAuthority> scopes = new ArrayList<>();
		if (person.isAdmin()) {
			scopes.add(new SimpleGrantedAuthority(ADMIN_SCOPE));
		}
		if (person.isAdmin() || person.isAuditor()) {
			scopes.add(new SimpleGrantedAuthority(AUDIT_READ_SCOPE));
		}
		return scopes;
	}

	/** The session's context with the person's roles as scopes; never saved. */
	private static final class SessionAsScopes implements SecurityContextRepository {

		private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

		SessionAsScopes() {
			this.sessions.setAllowSessionCreation(false);
		}

		@Override
		@Deprecated
		public SecurityContext loadContext(HttpRequestResponseHolder holder) {
			return asScopes(this.sessions.loadDeferredContext(holder.getRequest()));
		}

		@Override
		public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
			DeferredSecurityContext stored = this.sessions.loadDeferredContext(request);
			return new DeferredSecurityContext() {

				private SecurityContext context;

				@Override
				public SecurityContext get() {
					if (this.context == null) {
						this.context = asScopes(stored);
					}
					return this.context;
				}

				@Override
				public boolean isGenerated() {
					return stored.isGenerated();
				}

			};
		}

		private static SecurityContext asScopes(Supplier<SecurityContext> stored) {
			SecurityContext context = stored.get();
			SecurityContext mapped = SecurityContextHolder.createEmptyContext();
			if (context.getAuthentication() != null
					&& context.getAuthentication().getPrincipal() instanceof SignedInPerson person) {
				mapped.setAuthentication(new SessionAuthentication(person));
			}
			return mapped;
		}

		@Override
		public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
			// the console's session is the console's: another chain never writes it
		}

		@Override
		public boolean containsContext(HttpServletRequest request) {
			return this.sessions.containsContext(request);
		}

	}

	/** A console person on another chain: named by their actor, with scopes. */
	private static final class SessionAuthentication extends AbstractAuthenticationToken {

		private final SignedInPerson person;

		SessionAuthentication(SignedInPerson person) {
			super(scopes(person));
			this.person = person;
			setAuthenticated(true);
		}

		@Override
		public Object getCredentials() {
			return null;
		}

		@Override
		public Object getPrincipal() {
			return this.person;
		}

		@Override
		public String getName() {
			return this.person.actor();
		}

	}

}
