package dev.agentidp.app.tokens;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.tokens.TrustedIssuer;
import dev.agentidp.tokens.TrustedIssuerSettings;
import dev.agentidp.tokens.TrustedIssuers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/trusted-issuers} (docs/api.md "Trusted issuers"): the token issuers
 * whose tokens agents may authenticate with (workload identity federation,
 * docs/workload-identity.md). {@code POST} adds one, {@code GET} lists and reads them,
 * {@code PATCH} (a JSON merge patch, RFC 7396) changes one, {@code DELETE} removes one;
 * each change is audited on the {@code _system} chain.
 */
@RestController
class TrustedIssuerController {

	private static final String ISSUERS = "/admin/v1/trusted-issuers";

	private final TrustedIssuers issuers;

	private final AdminBodies bodies;

	private final JsonMapper json;

	TrustedIssuerController(TrustedIssuers issuers, AdminBodies bodies, JsonMapper json) {
		this.issuers = issuers;
		this.bodies = bodies;
		this.json = json;
	}

	@PostMapping(path = ISSUERS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> add(@RequestBody(required = false) TrustedIssuerRequest body,
			Authentication authentication) {
		TrustedIssuerRequest request = this.bodies.valid(body, TrustedIssuerRequest.class);
		TrustedIssuer issuer = this.issuers.add(request.toSettings(this.json),
				TokenAdminController.actor(authentication));
		return ResponseEntity.created(URI.create(ISSUERS + "/" + issuer.id())).body(view(issuer));
	}

	@GetMapping(path = ISSUERS, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> list() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("items", this.issuers.list().stream().map(this::view).toList());
		answer.put("nextCursor", null);
		return answer;
	}

	@GetMapping(path = ISSUERS + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> get(@PathVariable UUID id) {
		return view(this.issuers.get(id));
	}

	@PatchMapping(path = ISSUERS + "/{id}",
			consumes = { "application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> patch(@PathVariable UUID id, @RequestBody(required = false) JsonNode patch,
			Authentication authentication) {
		if (patch == null || !patch.isObject()) {
			throw new InvalidInputException("body", "must be a JSON merge patch object");
		}
		for (String member : patch.propertyNames()) {
			if (!TrustedIssuerRequest.WRITABLE.contains(member)) {
				throw new InvalidInputException(member, "is not a writable member of a trusted issuer");
			}
		}
		return view(this.issuers.update(id,
				(current) -> this.bodies.bind(mergePatch(settingsJson(current), patch), TrustedIssuerRequest.class)
					.toSettings(this.json),
				TokenAdminController.actor(authentication)));
	}

	@DeleteMapping(path = ISSUERS + "/{id}")
	ResponseEntity<Void> remove(@PathVariable UUID id, Authentication authentication) {
		this.issuers.remove(id, TokenAdminController.actor(authentication));
		return ResponseEntity.noContent().build();
	}

	/**
	 * RFC 7396 §2 on the members of a trusted issuer (all of them scalars or replaced).
	 */
	private static JsonNode mergePatch(ObjectNode target, JsonNode patch) {
		ObjectNode result = target.deepCopy();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), member.getValue());
			}
		}
		return result;
	}

	private ObjectNode settingsJson(TrustedIssuerSettings settings) {
		ObjectNode doc = this.json.createObjectNode();
		doc.put("issuer", settings.issuer());
		doc.put("kind", settings.kind().value());
		if (settings.jwks() != null) {
			doc.set("jwks", this.json.readTree(settings.jwks()));
		}
		if (settings.jwksUri() != null) {
			doc.put("jwksUri", settings.jwksUri());
		}
		settings.audiences().forEach(doc.putArray("audiences")::add);
		if (settings.subjectPattern() != null) {
			doc.put("subjectPattern", settings.subjectPattern());
		}
		if (settings.trustDomain() != null) {
			doc.put("trustDomain", settings.trustDomain());
		}
		doc.put("maxTokenAgeSeconds", settings.maxTokenAgeSeconds());
		return doc;
	}

	private Map<String, Object> view(TrustedIssuer issuer) {
		TrustedIssuerSettings settings = issuer.settings();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", issuer.id().toString());
		view.put("issuer", settings.issuer());
		view.put("kind", settings.kind().value());
		view.put("jwks", (settings.jwks() != null) ? this.json.readTree(settings.jwks()) : null);
		view.put("jwksUri", settings.jwksUri());
		view.put("audiences", settings.audiences());
		view.put("subjectPattern", settings.subjectPattern());
		view.put("trustDomain", settings.trustDomain());
		view.put("maxTokenAgeSeconds", settings.maxTokenAgeSeconds());
		view.put("createdAt", issuer.createdAt().toString());
		view.put("updatedAt", issuer.updatedAt().toString());
		return view;
	}

}
