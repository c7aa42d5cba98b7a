package dev.agentidp.resourceserver;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A denied {@link ToolCall} in a Spring MVC handler: 403 {@code application/problem+json}
 * whose {@code detail} is the PDP's {@code reason_user}, with its {@code code} and
 * {@code decision_id}.
 */
@RestControllerAdvice
final class ToolCallDenials {

	@ExceptionHandler(ToolCallDeniedException.class)
	ResponseEntity<ProblemDetail> denied(ToolCallDeniedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.reasonUser());
		problem.setTitle("Tool call denied");
		problem.setProperty("code", ex.decision().code());
		if (ex.decision().id() != null) {
			problem.setProperty("decision_id", ex.decision().id());
		}
		return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
	}

}
