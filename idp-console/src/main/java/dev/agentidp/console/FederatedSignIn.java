package dev.agentidp.console;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.Emails;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.util.Assert;

/**
 * Sign-in through the organisation's OpenID Connect provider (Spring Security's
 * {@code oauth2Login}, authorization code flow): the person is the ID token's
 * {@code email}, which must be verified ({@code email_verified}, OpenID Connect Core 1.0
 * §5.1); the roles are those {@link FederatedRoles} reads from the claims at this
 * sign-in, none from anywhere else (there is no local password). A local account with the
 * same address that is disabled refuses the sign-in. The session then holds a
 * {@link SignedInPerson}, as a local sign-in's does, so that every page and rule treats
 * both alike. Each sign-in is audited as a local one is: {@code console.signed_in} with
 * the issuer and the roles granted, or {@code console.sign_in_denied} with the reason.
 */
final class FederatedSignIn {

	private static final String REFUSED = "access_denied";

	private static final int MAX_EMAIL_LENGTH = 250;

	private final ConsoleProperties.Federation federation;

	private final FederatedRoles roles;

	private final People people;

	private final ConsoleAudit audit;

	private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	FederatedSignIn(ConsoleProperties.Federation federation, People people, ConsoleAudit audit) {
		Assert.notNull(federation, "federation cannot be null");
		Assert.notNull(people, "people cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		this.federation = federation;
		this.roles = new FederatedRoles(federation.rolesClaim(), federation.roleMapping());
		this.people = people;
		this.audit = audit;
	}

	/**
	 * Reads the person from the ID token (and UserInfo), checks the email address and
	 * grants the mapped roles.
	 */
	OAuth2UserService<OidcUserRequest, OidcUser> userService() {
		OidcUserService delegate = new OidcUserService();
		return (request) -> {
			OidcUser user = delegate.loadUser(request);
			Map<String, Object> claims = user.getClaims();
			String email = (claims.get("email") instanceof String text) ? text.strip() : null;
			if (email == null || email.isEmpty() || email.length() > MAX_EMAIL_LENGTH || !Emails.isValid(email)) {
				throw refused("user:", "the OpenID Connect provider sent no email address");
			}
			String actor = "user:" + Emails.normalize(email);
			// OpenID Connect Core 1.0 §5.1: an address is only the person's when the
			// provider says it verified it
			Object verified = claims.get("email_verified");
			if (!Boolean.TRUE.equals(verified) && !"true".equals(verified)) {
				throw refused(actor, "the OpenID Connect provider has not verified the email address");
			}
			Optional<Person> local = this.people.find(Emails.normalize(email));
			if (local.isPresent() && local.get().disabled()) {
				throw refused(actor, "account disabled");
			}
			List<SimpleGrantedAuthority> authorities = this.roles.of(claims)
				.stream()
				.map(SimpleGrantedAuthority::new)
				.toList();
			return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), "email");
		};
	}

	/**
	 * Audits the sign-in and keeps a {@link SignedInPerson} in the session in place of
	 * the OpenID Connect user, then goes where the person was going (the inventory by
	 * default).
	 */
	AuthenticationSuccessHandler successHandler() {
		SavedRequestAwareAuthenticationSuccessHandler next = new SavedRequestAwareAuthenticationSuccessHandler();
		next.setDefaultTargetUrl("/console");
		return new AuthenticationSuccessHandler() {

			@Override
			public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
					Authentication authentication) throws IOException, ServletException {
				OidcUser user = (OidcUser) authentication.getPrincipal();
				String email = Emails.normalize(user.getEmail());
				Set<String> granted = FederatedSignIn.this.roles.of(user.getClaims());
				SignedInPerson person = new SignedInPerson(email, email, granted, "user:" + email);
				FederatedSignIn.this.audit.signedInFederated(person,
						FederatedSignIn.this.federation.issuerUri().toString(),
						RequestSource.of(request.getRemoteAddr()));
				UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(person,
						null, authentication.getAuthorities());
				SecurityContext context = SecurityContextHolder.createEmptyContext();
				context.setAuthentication(signedIn);
				SecurityContextHolder.setContext(context);
				FederatedSignIn.this.contexts.saveContext(context, request, response);
				next.onAuthenticationSuccess(request, response, signedIn);
			}

		};
	}

	/**
	 * Audits a refused federated sign-in with its reason and shows the sign-in page's one
	 * generic message.
	 */
	AuthenticationFailureHandler failureHandler() {
		SimpleUrlAuthenticationFailureHandler next = new SimpleUrlAuthenticationFailureHandler("/console/login?error");
		return (HttpServletRequest request, HttpServletResponse response, AuthenticationException ex) -> {
			String actor = (ex instanceof Refused refused) ? refused.actor : "user:";
			String reason = (ex instanceof OAuth2AuthenticationException oauth) ? "OpenID Connect sign-in failed: "
					+ Optional.ofNullable(oauth.getError().getDescription()).orElse(oauth.getError().getErrorCode())
					: "OpenID Connect sign-in failed";
			if (ex instanceof Refused) {
				reason = ex.getMessage();
			}
			this.audit.signInDenied(actor, PrintableText.of(reason, 255), RequestSource.of(request.getRemoteAddr()));
			next.onAuthenticationFailure(request, response, ex);
		};
	}

	private static Refused refused(String actor, String reason) {
		return new Refused(actor, reason);
	}

	/** A sign-in this class refuses, with who it was for. */
	private static final class Refused extends OAuth2AuthenticationException {

		private final String actor;

		Refused(String actor, String reason) {
			super(new OAuth2Error(REFUSED, reason, null), reason);
			this.actor = actor;
		}

	}

}
