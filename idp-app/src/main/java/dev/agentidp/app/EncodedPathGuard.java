package dev.agentidp.app;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path with a percent-encoded unreserved character ({@code /%6Fauth2/token}),
 * before any other filter. RFC 3986 §2.3 makes such a URI equivalent to its decoded form
 * and says it should not be produced, and Tomcat serves it as the decoded path, but the
 * provider's own filters match the raw request URI: their body-size, form and
 * single-authentication-method checks would be skipped on the encoded spelling. One
 * spelling per endpoint is simpler to keep right than decoding in every filter.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class EncodedPathGuard extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		if (path != null && encodesAnUnreservedCharacter(path)) {
			String detail = "The path percent-encodes a character that needs no encoding (RFC 3986 §2.3): send "
					+ "it unencoded";
			if (OAuthErrors.isOAuthPath(request.getServletPath())) {
				OAuthErrors.write(response, HttpStatus.BAD_REQUEST.value(), "invalid_request", detail);
			}
			else {
				ProblemResponses.write(response, ProblemResponses.problem(HttpStatus.BAD_REQUEST, detail, request));
			}
			return;
		}
		chain.doFilter(request, response);
	}

	/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~", written as %XX. */
	static boolean encodesAnUnreservedCharacter(String path) {
		for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
			int high = Character.digit(path.charAt(i + 1), 16);
			int low = Character.digit(path.charAt(i + 2), 16);
			if (high < 0 || low < 0) {
				continue;
			}
			char c = (char) (high * 16 + low);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
					|| c == '_' || c == '~') {
				return true;
			}
		}
		return false;
	}

}
