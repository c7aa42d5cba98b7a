package dev.agentidp.app.registry;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientRegistration;
import dev.agentidp.registry.ClientRegistry;
import dev.agentidp.registry.Page;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The clients that are not agents (admin clients, resource servers; docs/api.md):
 * {@code POST /admin/v1/clients} registers one (the generated secret is in the answer
 * once and nowhere else), {@code GET} lists and reads them (never a secret or its hash),
 * {@code POST …/{id}/disable} disables one for good and revokes its tokens. Agents are
 * clients of the authorization server too, but are managed at {@code /admin/v1/agents}.
 */
@RestController
class ClientController {

	private static final String CLIENTS = "/admin/v1/clients";

	private final ClientRegistry clients;

	private final AdminBodies bodies;

	private final JsonMapper json;

	ClientController(ClientRegistry clients, AdminBodies bodies, JsonMapper json) {
		this.clients = clients;
		this.bodies = bodies;
		this.json = json;
	}

	@PostMapping(path = CLIENTS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> register(@RequestBody(required = false) ClientRegistrationRequest body,
			Authentication authentication) {
		ClientRegistrationRequest request = this.bodies.valid(body, ClientRegistrationRequest.class);
		ClientRegistration registration = this.clients.register(request.name(), request.clientKind(),
				request.scopeSet(), (request.jwk() != null) ? this.json.writeValueAsString(request.jwk()) : null,
				AdminActor.of(authentication));
		Client client = registration.client();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("clientId", client.clientId());
		answer.put("name", client.name());
		answer.put("kind", client.kind().value());
		answer.put("scopes", client.scopes().stream().sorted().toList());
		if (registration.clientSecret() != null) {
			answer.put("clientSecret", registration.clientSecret());
		}
		return ResponseEntity.created(URI.create(CLIENTS + "/" + client.clientId()))
			.header("Cache-Control", "no-store")
			.body(answer);
	}

	@GetMapping(path = CLIENTS, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> list(@RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "50") int limit) {
		Page<Client> page = this.clients.list(cursor, limit);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("items", page.items().stream().map(ClientController::view).toList());
		answer.put("nextCursor", page.nextCursor());
		return answer;
	}

	@GetMapping(path = CLIENTS + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> get(@PathVariable String id) {
		return view(this.clients.getClient(id));
	}

	@PostMapping(path = CLIENTS + "/{id}/disable", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> disable(@PathVariable String id, @RequestBody(required = false) ReasonRequest body,
			Authentication authentication) {
		return view(this.clients.disable(id, ReasonRequest.of(this.bodies.optional(body, ReasonRequest.class)),
				AdminActor.of(authentication)));
	}

	/** A client as the API shows it: public members only, never a secret or its hash. */
	private static Map<String, Object> view(Client client) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("clientId", client.clientId());
		view.put("name", client.name());
		view.put("kind", client.kind().value());
		view.put("scopes", client.scopes().stream().sorted().toList());
		view.put("authenticationMethod", (client.secretHash() != null) ? "client_secret_basic" : "private_key_jwt");
		view.put("status", client.disabled() ? "disabled" : "active");
		view.put("createdAt", client.createdAt().toString());
		view.put("disabledAt", (client.disabledAt() != null) ? client.disabledAt().toString() : null);
		return view;
	}

}
