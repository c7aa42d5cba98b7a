package dev.agentidp.console;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The absolute timeout of a console session ({@code idp.console.session-max-age}): a
 * session older than that is ended before the security context is read from it, whatever
 * its activity, so the request continues signed out (a page asks to sign in again). The
 * idle timeout is the servlet container's ({@code server.servlet.session.timeout}).
 */
final class SessionAgeLimit extends OncePerRequestFilter {

	private final long maxAgeMillis;

	SessionAgeLimit(Duration maxAge) {
		Assert.isTrue(maxAge != null && maxAge.isPositive(), "maxAge must be positive");
		this.maxAgeMillis = maxAge.toMillis();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		HttpSession session = request.getSession(false);
		if (session != null && System.currentTimeMillis() - session.getCreationTime() > this.maxAgeMillis) {
			try {
				session.invalidate();
			}
			catch (IllegalStateException ex) {
				// already invalidated by a concurrent request
			}
		}
		chain.doFilter(request, response);
	}

}
