package dev.agentidp.app;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's error page: whatever went wrong, the client gets an RFC 9457 problem
 * document with the status and its standard phrase, never a stack trace or HTML; on the
 * OAuth endpoints an RFC 6749 §5.2 error object instead ({@code invalid_request} for a
 * 4xx, {@code server_error} for a 5xx).
 */
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("/error")
	ResponseEntity<?> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = HttpStatus.resolve((code instanceof Integer value) ? value : 500);
		if (status == null) {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
		}
		Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		if (OAuthErrors.isOAuthPath((path instanceof String text) ? text : null)) {
			// RFC 6749 §5.2 on the OAuth endpoints
			return ResponseEntity.status(status)
				.contentType(MediaType.APPLICATION_JSON)
				.header("Cache-Control", "no-store")
				.body(OAuthErrors.body(status.is5xxServerError() ? "server_error" : "invalid_request",
						status.getReasonPhrase()));
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				status.is5xxServerError() ? "The server could not complete the request" : status.getReasonPhrase());
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
