package dev.agentidp.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.agentidp.anomalies.AnomalyAlreadyClearedException;
import dev.agentidp.anomalies.AnomalyNotFoundException;
import dev.agentidp.approvals.ApprovalDecisionException;
import dev.agentidp.registry.AgentNameTakenException;
import dev.agentidp.registry.AgentNotFoundException;
import dev.agentidp.registry.IllegalAgentStateException;
import dev.agentidp.registry.InvalidInputException;

/**
 * What every console page has ({@code me}: who is signed in, for the navigation) and the
 * console's error pages: bad input is 400 naming the field, an unknown agent 404, a
 * change the agent's state does not allow 409; never a stack trace. Ahead of the admin
 * API's problem+json handler, for the console's controllers only.
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleModel {

	private final ConsoleAudit audit;

	ConsoleModel(ConsoleAudit audit) {
		this.audit = audit;
	}

	@ModelAttribute("me")
	SignedInPerson me() {
		return signedIn();
	}

	static SignedInPerson signedIn() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication != null && authentication.getPrincipal() instanceof SignedInPerson person) ? person
				: null;
	}

	/**
	 * A refusal by {@link ConsoleAccess} in a controller: audited on the agent's chain,
	 * answered with the 403 page (as the security chain's refusals are).
	 */
	@ExceptionHandler(ConsoleDeniedException.class)
	@ResponseStatus(HttpStatus.FORBIDDEN)
	String denied(ConsoleDeniedException ex, HttpServletRequest request, Model model) {
		SignedInPerson me = signedIn();
		this.audit.denied(request, (me != null) ? me.actor() : null, ex.chain(), ex.getMessage());
		model.addAttribute("me", me);
		return "console/denied";
	}

	@ExceptionHandler(InvalidInputException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String invalidInput(InvalidInputException ex, Model model) {
		return error(model, HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler({ NoSuchAgentException.class, AgentNotFoundException.class,
			MethodArgumentTypeMismatchException.class })
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(Model model) {
		return error(model, HttpStatus.NOT_FOUND, "There is no such agent.");
	}

	@ExceptionHandler({ IllegalAgentStateException.class, AgentNameTakenException.class })
	@ResponseStatus(HttpStatus.CONFLICT)
	String conflict(RuntimeException ex, Model model) {
		return error(model, HttpStatus.CONFLICT, ex.getMessage());
	}

	/**
	 * A clear the anomalies facade refused (audited there as
	 * {@code anomaly.clear_refused}): 409 when it was cleared already, 404 when the agent
	 * has no such anomaly; the page names why.
	 */
	@ExceptionHandler(AnomalyAlreadyClearedException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	String anomalyCleared(AnomalyAlreadyClearedException ex, Model model) {
		return error(model, HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler(AnomalyNotFoundException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String noSuchAnomaly(AnomalyNotFoundException ex, Model model) {
		return error(model, HttpStatus.NOT_FOUND, ex.getMessage());
	}

	/**
	 * A decision the approvals facade refused (audited there as
	 * {@code approval.decision.refused}): 403 when the person may not decide it
	 * (separation of duties, not entitled), 409 when the request no longer allows it
	 * (decided already, expired), 404 when there is none; the page names why.
	 */
	@ExceptionHandler(ApprovalDecisionException.class)
	String approvalRefused(ApprovalDecisionException ex, Model model, HttpServletResponse response) {
		HttpStatus status = switch (ex.reason()) {
			case OWN_AGENT, NOT_ENTITLED -> HttpStatus.FORBIDDEN;
			case ALREADY_DECIDED, EXPIRED -> HttpStatus.CONFLICT;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
		};
		response.setStatus(status.value());
		return error(model, status, ex.getMessage());
	}

	/** The error page, naming why: for the console's controllers' own handlers too. */
	static String error(Model model, HttpStatus status, String message) {
		model.addAttribute("me", signedIn());
		model.addAttribute("status", status.value());
		model.addAttribute("title", status.getReasonPhrase());
		model.addAttribute("message", message);
		return "console/error";
	}

}
