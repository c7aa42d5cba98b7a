package dev.agentidp.app;

import dev.agentidp.anomalies.AnomalyAlreadyClearedException;
import dev.agentidp.anomalies.AnomalyNotFoundException;
import dev.agentidp.approvals.ApprovalDecisionException;
import dev.agentidp.tokens.TrustedIssuerExistsException;
import dev.agentidp.tokens.TrustedIssuerNotFoundException;
import dev.agentidp.registry.AgentNameTakenException;
import dev.agentidp.registry.AgentNotFoundException;
import dev.agentidp.registry.AgentVersionMismatchException;
import dev.agentidp.registry.ClientNotFoundException;
import dev.agentidp.registry.IllegalClientStateException;
import dev.agentidp.registry.IllegalAgentStateException;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.signals.InvalidSignalRequestException;
import dev.agentidp.signals.SignalNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place admin API errors become RFC 9457 problem documents. Spring MVC's own
 * exceptions (unsupported media type, unreadable body, missing parameter, ...) are
 * answered by {@link ResponseEntityExceptionHandler}; a body that does not bind to its
 * request record (a member it lacks, a wrong JSON type) names the member and the rule
 * ({@link AdminBodyErrors}), malformed JSON keeps Spring's answer; no database connection
 * in time is 503 with {@code Retry-After}, text the database cannot store is 400;
 * anything unexpected is logged and answered 500 without internal detail.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (ex.getCause() instanceof JacksonException failure) {
			String detail = AdminBodyErrors.detail(failure);
			if (detail != null) {
				return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, detail), headers, status,
						request);
			}
		}
		return super.handleHttpMessageNotReadable(ex, headers, status, request);
	}

	@ExceptionHandler(InvalidInputException.class)
	ProblemDetail invalidInput(InvalidInputException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(InvalidSignalRequestException.class)
	ProblemDetail invalidSignalRequest(InvalidSignalRequestException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler({ AgentNotFoundException.class, ClientNotFoundException.class, SignalNotFoundException.class,
			AnomalyNotFoundException.class, TrustedIssuerNotFoundException.class })
	ProblemDetail notFound(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler({ AgentNameTakenException.class, IllegalAgentStateException.class,
			IllegalClientStateException.class, AnomalyAlreadyClearedException.class,
			TrustedIssuerExistsException.class })
	ProblemDetail registryConflict(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	/**
	 * A decision the approvals facade refuses (the console's, issue 18): unknown 404, not
	 * the person's to take 403, decided already or expired 409.
	 */
	@ExceptionHandler(ApprovalDecisionException.class)
	ProblemDetail approvalDecision(ApprovalDecisionException ex) {
		HttpStatus status = switch (ex.reason()) {
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case NOT_ENTITLED, OWN_AGENT -> HttpStatus.FORBIDDEN;
			case ALREADY_DECIDED, EXPIRED -> HttpStatus.CONFLICT;
		};
		return ProblemDetail.forStatusAndDetail(status, ex.getMessage());
	}

	@ExceptionHandler(AgentVersionMismatchException.class)
	ResponseEntity<ProblemDetail> agentVersionMismatch(AgentVersionMismatchException ex) {
		return ResponseEntity.status(HttpStatus.PRECONDITION_FAILED)
			.eTag("\"" + ex.currentVersion() + "\"")
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_FAILED, ex.getMessage()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		if (DatabaseFailures.unavailable(ex)) {
			log.warn("No database connection: answered 503");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header("Retry-After", DatabaseFailures.RETRY_AFTER_SECONDS)
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
						"The service is temporarily unavailable; retry later"));
		}
		if (DatabaseFailures.invalidText(ex)) {
			return ResponseEntity.badRequest()
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
						"The request contains characters that cannot be stored (such as NUL)"));
		}
		if (malformedEncoding(ex)) {
			// Tomcat decodes the query string when a parameter is first read: %ff is no
			// UTF-8 (RFC 3986 §2.1, RFC 3629)
			return ResponseEntity.badRequest()
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
						"The request's percent-encoding does not decode to UTF-8 text"));
		}
		log.error("Unexpected error", ex);
		return ResponseEntity.internalServerError()
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
					"The server could not complete the request"));
	}

	private static boolean malformedEncoding(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.nio.charset.CharacterCodingException) {
				return true;
			}
		}
		return false;
	}

}
