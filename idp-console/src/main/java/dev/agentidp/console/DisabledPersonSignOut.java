package dev.agentidp.console;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A person disabled while signed in is signed out at their next request: the session's
 * person is looked up (one indexed read per console request) and, when the account (a
 * local one, or the local account holding a federated person's address) is disabled, the
 * session is ended and the request continues signed out, as it does past the absolute
 * timeout ({@link SessionAgeLimit}). Without it a disabled person would keep the console
 * and the admin API until the session timed out.
 */
final class DisabledPersonSignOut extends OncePerRequestFilter {

	private final People people;

	DisabledPersonSignOut(People people) {
		Assert.notNull(people, "people cannot be null");
		this.people = people;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller != null && caller.getPrincipal() instanceof SignedInPerson person && disabled(person)) {
			SecurityContextHolder.clearContext();
			HttpSession session = request.getSession(false);
			if (session != null) {
				try {
					session.invalidate();
				}
				catch (IllegalStateException ex) {
					// already invalidated by a concurrent request
				}
			}
		}
		chain.doFilter(request, response);
	}

	private boolean disabled(SignedInPerson person) {
		// a federated person's username is their address: the local account holding it
		String name = (person.username() != null) ? person.username() : person.email();
		return name != null && this.people.find(name).map(Person::disabled).orElse(false);
	}

}
