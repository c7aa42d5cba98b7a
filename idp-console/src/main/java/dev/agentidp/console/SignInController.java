package dev.agentidp.console;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The sign-in page (the form posts to Spring Security's {@code /console/login}) and the
 * 403 page the security chain forwards to.
 */
@Controller
class SignInController {

	private final boolean federated;

	SignInController(ConsoleProperties properties) {
		this.federated = properties.federation().enabled();
	}

	@GetMapping("/console/login")
	String signIn(@RequestParam(required = false) String error, @RequestParam(required = false) String signedOut,
			Model model) {
		model.addAttribute("failed", error != null);
		model.addAttribute("signedOut", signedOut != null);
		model.addAttribute("failure", PersonAuthenticationProvider.GENERIC_FAILURE);
		model.addAttribute("federated", this.federated);
		model.addAttribute("federatedSignIn",
				FederationRegistrations.AUTHORIZATION_BASE_URI + "/" + FederationRegistrations.ID);
		return "console/login";
	}

	@RequestMapping(ConsoleSecurityConfiguration.DENIED_PATH)
	@ResponseStatus(HttpStatus.FORBIDDEN)
	String denied() {
		return "console/denied";
	}

}
