package dev.agentidp.app;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns the two database failures a client can meet into answers instead of a 500: no
 * connection to be had within Hikari's {@code connection-timeout} (pool exhausted or the
 * database down) is 503 with {@code Retry-After}; text the database cannot store (a NUL
 * character, PostgreSQL SQLSTATE 22021) is 400. Outermost filter, so it also catches what
 * the security filter chains throw; the admin API's controllers are covered by
 * {@link ApiExceptionHandler} with the same rules.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class DatabaseFailures extends OncePerRequestFilter {

	/** Seconds a client is asked to wait before trying again. */
	static final String RETRY_AFTER_SECONDS = "5";

	private static final Logger logger = LoggerFactory.getLogger(DatabaseFailures.class);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | IOException | RuntimeException ex) {
			if (response.isCommitted()) {
				throw ex;
			}
			if (unavailable(ex)) {
				logger.warn("No database connection for {} {}: answered 503", request.getMethod(),
						request.getRequestURI());
				response.resetBuffer();
				response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
				write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "temporarily_unavailable",
						"The service is temporarily unavailable; retry later");
				return;
			}
			if (invalidText(ex)) {
				response.resetBuffer();
				write(request, response, HttpStatus.BAD_REQUEST, "invalid_request",
						"The request contains characters that cannot be stored (such as NUL)");
				return;
			}
			throw ex;
		}
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String error,
			String description) throws IOException {
		if (OAuthErrors.isOAuthPath(request.getRequestURI())) {
			OAuthErrors.write(response, status.value(), error, description);
		}
		else {
			ProblemResponses.write(response, ProblemResponses.problem(status, description, request));
		}
	}

	/**
	 * Whether a failure means no database connection could be had in time.
	 * @param failure the failure
	 * @return {@code true} when a connection could not be obtained
	 */
	static boolean unavailable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CannotGetJdbcConnectionException || cause instanceof SQLTransientConnectionException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * Whether a failure is PostgreSQL refusing text it cannot store.
	 * @param failure the failure
	 * @return {@code true} for SQLSTATE 22021 ({@code character_not_in_repertoire}) and
	 * 22P05 ({@code untranslatable_character})
	 */
	static boolean invalidText(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql
					&& ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
