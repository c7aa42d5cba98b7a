package com.example.resourceserver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /whoami}: the {@code sub}, {@code scope} and {@code client_id} of the bearer
 * token, the same whether the token was verified as a JWT or introspected.
 */
@RestController
public class WhoAmIController {

	@GetMapping("/whoami")
	Map<String, Object> whoami(AbstractOAuth2TokenAuthenticationToken<?> authentication) {
		Map<String, Object> token = authentication.getTokenAttributes();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("sub", String.valueOf(token.get("sub")));
		// the authorities Spring Security made of the scope claim, in both modes
		answer.put("scope",
				authentication.getAuthorities()
					.stream()
					.map((authority) -> authority.getAuthority())
					.filter((authority) -> authority.startsWith("SCOPE_"))
					.map((authority) -> authority.substring("SCOPE_".length()))
					.sorted()
					.collect(Collectors.joining(" ")));
		answer.put("client_id", String.valueOf(token.get("client_id")));
		return answer;
	}

}
