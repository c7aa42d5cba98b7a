package dev.agentidp.app.registry;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientRegistration;
import dev.agentidp.registry.ClientRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/v1/clients}: registers a resource server or an admin client (API.md
 * §2). The generated secret is in the answer once and nowhere else.
 */
@RestController
class ClientController {

	private final ClientRegistry clients;

	ClientController(ClientRegistry clients) {
		this.clients = clients;
	}

	@PostMapping(path = "/admin/v1/clients", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> register(@RequestBody JsonNode body, JwtAuthenticationToken authentication) {
		ClientRegistration registration = this.clients.register(body, AdminActor.of(authentication));
		Client client = registration.client();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("clientId", client.clientId());
		answer.put("name", client.name());
		answer.put("kind", client.kind().value());
		answer.put("scopes", client.scopes().stream().sorted().toList());
		if (registration.clientSecret() != null) {
			answer.put("clientSecret", registration.clientSecret());
		}
		return ResponseEntity.created(URI.create("/admin/v1/clients/" + client.clientId()))
			.header("Cache-Control", "no-store")
			.body(answer);
	}

}
