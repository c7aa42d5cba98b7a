package dev.agentidp.app.registry;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling the admin API: the {@code client_id} of the bearer token, or
 * {@code user:<email>} of a signed-in console session.
 */
public final class AdminActor {

	private AdminActor() {
	}

	/**
	 * The caller.
	 * @param authentication the admin API's authentication
	 * @return its client id, or {@code user:<email>}
	 */
	public static String of(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken jwt) {
			String clientId = jwt.getToken().getClaimAsString("client_id");
			return (clientId != null) ? clientId : jwt.getName();
		}
		// a signed-in console session: the person, user:<email>
		return authentication.getName();
	}

}
