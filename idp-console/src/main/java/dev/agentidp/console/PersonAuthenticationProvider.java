package dev.agentidp.console;

import java.util.List;
import java.util.Optional;

import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.Emails;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.util.Assert;

/**
 * Signs a person in with a username (or email address) and password. Every refusal has
 * one message, whatever its cause (no such person, wrong password, disabled, throttled),
 * and is audited with its true reason ({@code console.sign_in_denied}); a throttled
 * attempt is refused before the password is checked ({@link SignInThrottle}). The
 * authorities are the person's roles as they are ({@code admin}, {@code owner},
 * {@code auditor}, {@code approver:<role>}).
 */
final class PersonAuthenticationProvider implements AuthenticationProvider {

	/** The one message of every refused sign-in. */
	static final String GENERIC_FAILURE = "Sign-in failed. Check the username and password, or try again later.";

	private static final int MAX_LOGIN_LENGTH = 250;

	private final People people;

	private final SignInThrottle throttle;

	private final ConsoleAudit audit;

	PersonAuthenticationProvider(People people, SignInThrottle throttle, ConsoleAudit audit) {
		Assert.notNull(people, "people cannot be null");
		Assert.notNull(throttle, "throttle cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		this.people = people;
		this.throttle = throttle;
		this.audit = audit;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String login = (authentication.getName() != null) ? authentication.getName().strip() : "";
		String password = (authentication.getCredentials() instanceof String text) ? text : null;
		String source = (authentication.getDetails() instanceof WebAuthenticationDetails details)
				? RequestSource.of(details.getRemoteAddress()) : RequestSource.UNKNOWN;
		if (login.isEmpty() || login.length() > MAX_LOGIN_LENGTH) {
			this.audit.signInDenied("user:" + login, "malformed username", source);
			throw new BadCredentialsException(GENERIC_FAILURE);
		}
		String account = (login.indexOf('@') >= 0) ? Emails.normalize(login) : login;
		if (this.throttle.locked(account, source)) {
			this.audit.signInDenied(actor(account), "throttled: too many failed sign-ins", source);
			throw new BadCredentialsException(GENERIC_FAILURE);
		}
		Optional<Person> person = this.people.authenticate(account, password);
		if (person.isEmpty()) {
			this.throttle.failed(account, source);
			this.audit.signInDenied(actor(account), "wrong username or password, or account disabled", source);
			throw new BadCredentialsException(GENERIC_FAILURE);
		}
		this.throttle.succeeded(account, source);
		this.audit.signedIn(person.get(), source);
		List<SimpleGrantedAuthority> authorities = person.get()
			.roles()
			.stream()
			.sorted()
			.map(SimpleGrantedAuthority::new)
			.toList();
		UsernamePasswordAuthenticationToken result = UsernamePasswordAuthenticationToken
			.authenticated(SignedInPerson.of(person.get()), null, authorities);
		result.setDetails(authentication.getDetails());
		return result;
	}

	/** {@code user:<email>} when the person exists, else the name as typed. */
	private String actor(String account) {
		return this.people.find(account).map(Person::actor).orElse("user:" + account);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
