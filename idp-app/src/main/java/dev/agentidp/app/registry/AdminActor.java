package dev.agentidp.app.registry;

import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling the admin API: the {@code client_id} of the bearer token.
 */
final class AdminActor {

	private AdminActor() {
	}

	static String of(JwtAuthenticationToken authentication) {
		String clientId = authentication.getToken().getClaimAsString("client_id");
		return (clientId != null) ? clientId : authentication.getName();
	}

}
