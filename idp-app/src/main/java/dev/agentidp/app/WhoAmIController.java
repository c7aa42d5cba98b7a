package dev.agentidp.app;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/v1/whoami}: the calling client and its scopes (for a console session,
 * its person and the scopes its roles map to).
 */
@RestController
class WhoAmIController {

	@GetMapping("/admin/v1/whoami")
	WhoAmI whoami(Authentication authentication) {
		// a console session has no client: it is named by its person (user:<email>)
		String clientId = (authentication instanceof JwtAuthenticationToken jwt)
				? jwt.getToken().getClaimAsString("client_id") : null;
		List<String> scopes = authentication.getAuthorities()
			.stream()
			.map((authority) -> authority.getAuthority())
			.filter((authority) -> authority.startsWith("SCOPE_"))
			.map((authority) -> authority.substring("SCOPE_".length()))
			.sorted()
			.toList();
		return new WhoAmI((clientId != null) ? clientId : authentication.getName(), scopes);
	}

	/**
	 * The answer of {@code whoami}.
	 *
	 * @param clientId the caller's client id
	 * @param scopes the scopes its token carries
	 */
	record WhoAmI(String clientId, List<String> scopes) {
	}

}
