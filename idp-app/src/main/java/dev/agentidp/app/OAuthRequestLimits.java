package dev.agentidp.app;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any client authentication runs, the OAuth requests no valid client
 * sends: a body over 64 KiB (413, whether declared by {@code Content-Length} or chunked:
 * Tomcat stops reading a form at {@code server.tomcat.max-http-form-post-size}), a form
 * body that cannot be parsed (400), and a request that authenticates its client in more
 * than one way (400: RFC 6749 §2.3, "The client MUST NOT use more than one authentication
 * method in each request"). Answers are RFC 6749 §5.2 {@code invalid_request} objects.
 */
@Component
@Order(-200)
class OAuthRequestLimits extends OncePerRequestFilter {

	/** The largest OAuth request body, in bytes (the same as the admin API's). */
	static final int MAX_BODY_BYTES = 64 * 1024;

	/** Tomcat's request attribute marking a failed parameter parse. */
	private static final String PARSE_FAILED = "org.apache.catalina.parameter_parse_failed";

	private static final String PARSE_FAILED_REASON = "org.apache.catalina.parameter_parse_failed_reason";

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !OAuthErrors.isOAuthPath(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			tooLarge(response);
			return;
		}
		request.getParameterMap();
		if (request.getAttribute(PARSE_FAILED) != null) {
			Object reason = request.getAttribute(PARSE_FAILED_REASON);
			if (reason != null && reason.toString().contains("TOO_LARGE")) {
				tooLarge(response);
				return;
			}
			response.setHeader("Connection", "close");
			OAuthErrors.write(response, HttpStatus.BAD_REQUEST.value(), "invalid_request",
					"The request body is not a well-formed application/x-www-form-urlencoded form");
			return;
		}
		int methods = 0;
		if (request.getHeader("Authorization") != null) {
			methods++;
		}
		if (request.getParameter("client_assertion") != null) {
			methods++;
		}
		if (request.getParameter("client_secret") != null) {
			methods++;
		}
		if (methods > 1) {
			// RFC 6749 §2.3: the client MUST NOT use more than one authentication method
			OAuthErrors.write(response, HttpStatus.BAD_REQUEST.value(), "invalid_request",
					"More than one client authentication method in the request (RFC 6749 §2.3)");
			return;
		}
		chain.doFilter(request, response);
	}

	private static void tooLarge(HttpServletResponse response) throws IOException {
		response.setHeader("Connection", "close");
		OAuthErrors.write(response, HttpStatus.CONTENT_TOO_LARGE.value(), "invalid_request",
				"The request body exceeds 65536 bytes (64 KiB)");
	}

}
