package dev.agentidp.app.registry;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentFilter;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistration;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentVersion;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.Page;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/agents}: register, read, list, patch, versions, lifecycle and keys
 * (docs/api.md "Contract"). Bodies bind to request records ({@link AgentDocumentRequest},
 * {@link KeyRequest}, {@link ReasonRequest}) checked by {@link AdminBodies}; the registry
 * is given value types. Documents ({@link AgentDocumentJson}) carry an {@code ETag} of
 * their version in quotes.
 */
@RestController
@RequestMapping(path = "/admin/v1/agents", produces = MediaType.APPLICATION_JSON_VALUE)
class AgentController {

	static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	private final AgentRegistry registry;

	private final AdminBodies bodies;

	AgentController(AgentRegistry registry, AdminBodies bodies) {
		this.registry = registry;
		this.bodies = bodies;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JsonNode> register(@RequestBody(required = false) AgentDocumentRequest body,
			Authentication authentication) {
		AgentDocumentRequest document = this.bodies.valid(body, AgentDocumentRequest.class,
				AgentDocumentRequest.Registration.class);
		AgentRegistration registration = this.registry.register(document.toProfile(), document.newKey(),
				AdminActor.of(authentication));
		Agent agent = registration.agent();
		return ResponseEntity.created(URI.create("/admin/v1/agents/" + agent.id()))
			.eTag(etag(agent))
			.body(withPrivateJwk(document(agent), registration));
	}

	@GetMapping
	Map<String, Object> list(@RequestParam(required = false) String owner,
			@RequestParam(required = false) String status, @RequestParam(required = false) String risk,
			@RequestParam(required = false) String parentId, @RequestParam(required = false) String q,
			@RequestParam(required = false) String cursor, @RequestParam(defaultValue = "50") int limit) {
		Page<Agent> page = this.registry.list(AgentFilter.of(owner, status, risk, parentId, q), cursor, limit);
		return page(page.items().stream().map((agent) -> (JsonNode) document(agent)).toList(), page.nextCursor());
	}

	@GetMapping("/{id}")
	ResponseEntity<JsonNode> get(@PathVariable AgentId id) {
		return answer(this.registry.getAgent(id));
	}

	/**
	 * RFC 7396: the patch is applied to the document as it is under the agent's row lock,
	 * then bound and checked as a registration's document is.
	 */
	@PatchMapping(path = "/{id}", consumes = { MERGE_PATCH_JSON, MediaType.APPLICATION_JSON_VALUE })
	ResponseEntity<JsonNode> patch(@PathVariable AgentId id, @RequestBody(required = false) JsonNode patch,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			Authentication authentication) {
		AgentPatch.check(patch);
		return answer(this.registry.update(id,
				(current) -> this.bodies
					.bind(AgentPatch.apply(AgentDocumentJson.profile(current), patch), AgentDocumentRequest.class)
					.toProfile(),
				IfMatch.expectedVersion(ifMatch), AdminActor.of(authentication)));
	}

	@GetMapping("/{id}/versions")
	Map<String, Object> versions(@PathVariable AgentId id, @RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "50") int limit) {
		Page<AgentVersion> page = this.registry.versions(id, cursor, limit);
		return page(page.items().stream().map((version) -> (JsonNode) AgentDocumentJson.of(version)).toList(),
				page.nextCursor());
	}

	@PostMapping("/{id}/suspend")
	ResponseEntity<JsonNode> suspend(@PathVariable AgentId id, @RequestBody(required = false) ReasonRequest body,
			Authentication authentication) {
		return answer(this.registry.suspend(id, reason(body), AdminActor.of(authentication)));
	}

	@PostMapping("/{id}/resume")
	ResponseEntity<JsonNode> resume(@PathVariable AgentId id, @RequestBody(required = false) ReasonRequest body,
			Authentication authentication) {
		return answer(this.registry.resume(id, reason(body), AdminActor.of(authentication)));
	}

	@PostMapping("/{id}/retire")
	ResponseEntity<JsonNode> retire(@PathVariable AgentId id, @RequestBody(required = false) ReasonRequest body,
			Authentication authentication) {
		return answer(this.registry.retire(id, reason(body), AdminActor.of(authentication)));
	}

	@PostMapping(path = "/{id}/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JsonNode> addKey(@PathVariable AgentId id, @RequestBody(required = false) KeyRequest body,
			Authentication authentication) {
		KeyRequest key = this.bodies.valid(body, KeyRequest.class);
		AgentRegistration registration = this.registry.addKey(id, key.newKey(), AdminActor.of(authentication));
		return ResponseEntity.ok()
			.eTag(etag(registration.agent()))
			.body(withPrivateJwk(document(registration.agent()), registration));
	}

	@DeleteMapping("/{id}/keys/{kid}")
	ResponseEntity<JsonNode> retireKey(@PathVariable AgentId id, @PathVariable String kid,
			@RequestParam(defaultValue = "0") long graceSeconds,
			@RequestParam(defaultValue = "false") String revokeTokens, Authentication authentication) {
		return answer(this.registry.retireKey(id, kid, graceSeconds, strictBoolean("revokeTokens", revokeTokens),
				AdminActor.of(authentication)));
	}

	/**
	 * {@code true} or {@code false}, nothing else: Spring's own conversion would take
	 * {@code 1}, {@code yes} and {@code on} for {@code true}, and a typo must not revoke.
	 */
	private static boolean strictBoolean(String name, String value) {
		return switch (value) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new InvalidInputException(name, "must be true or false");
		};
	}

	private String reason(ReasonRequest body) {
		return ReasonRequest.of(this.bodies.optional(body, ReasonRequest.class));
	}

	private ObjectNode document(Agent agent) {
		return AgentDocumentJson.of(this.registry.currentVersion(agent));
	}

	private ResponseEntity<JsonNode> answer(Agent agent) {
		return ResponseEntity.status(HttpStatus.OK).eTag(etag(agent)).body(document(agent));
	}

	private static String etag(Agent agent) {
		return "\"" + agent.version() + "\"";
	}

	private static JsonNode withPrivateJwk(ObjectNode document, AgentRegistration registration) {
		if (registration.privateJwk() != null) {
			// returned once, never stored or logged
			ObjectNode privateJwk = document.putObject("privateJwk");
			registration.privateJwk().forEach((name, value) -> privateJwk.put(name, String.valueOf(value)));
		}
		return document;
	}

	private static Map<String, Object> page(List<JsonNode> items, String nextCursor) {
		Map<String, Object> page = new java.util.LinkedHashMap<>();
		page.put("items", items);
		page.put("nextCursor", nextCursor);
		return page;
	}

}
