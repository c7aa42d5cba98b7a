package com.example.kitserver;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tool server protected by the resource-server kit with properties only (its default
 * security chain: every request needs an agent's token), answering {@code GET /whoami}
 * with the caller. Outside {@code dev.agentidp}, so the provider's component scan never
 * sees it; {@code KitSignalsTests} starts it with {@code SpringApplicationBuilder}.
 */
@SpringBootApplication
public class KitServerApplication {

	@RestController
	static class WhoAmI {

		@GetMapping("/whoami")
		Map<String, Object> whoami(Authentication authentication) {
			return Map.of("name", authentication.getName());
		}

	}

}
