package dev.agentidp.console;

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

	@ModelAttribute("me")
	SignedInPerson me() {
		return signedIn();
	}

	static SignedInPerson signedIn() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication != null && authentication.getPrincipal() instanceof SignedInPerson person) ? person
				: null;
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

	@ExceptionHandler(IllegalAgentStateException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	String conflict(IllegalAgentStateException ex, Model model) {
		return error(model, HttpStatus.CONFLICT, ex.getMessage());
	}

	private static String error(Model model, HttpStatus status, String message) {
		model.addAttribute("me", signedIn());
		model.addAttribute("status", status.value());
		model.addAttribute("title", status.getReasonPhrase());
		model.addAttribute("message", message);
		return "console/error";
	}

}
