package dev.agentidp.app.tokens;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.tokens.SigningKeys;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The provider's signing keys (issue 14, item 9; docs/api.md):
 * {@code GET /admin/v1/signing-keys} lists them (public parts and status only), and
 * {@code POST /admin/v1/signing-keys/rotate} makes a new key sign at once, keeping the
 * old one published until the last token it signed has expired.
 */
@RestController
class SigningKeyController {

	private static final Set<String> ALGORITHMS = Set.of("EdDSA", "ES256");

	private final SigningKeys keys;

	SigningKeyController(SigningKeys keys) {
		this.keys = keys;
	}

	@GetMapping(path = "/admin/v1/signing-keys", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> list() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("items", this.keys.keys().stream().map(SigningKeyController::view).toList());
		answer.put("nextCursor", null);
		return answer;
	}

	@PostMapping(path = "/admin/v1/signing-keys/rotate", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> rotate(@RequestBody(required = false) JsonNode body, JwtAuthenticationToken authentication) {
		return view(this.keys.rotate(algorithm(body), TokenAdminController.actor(authentication)));
	}

	private static String algorithm(JsonNode body) {
		if (body == null || body.isNull() || body.isMissingNode()) {
			return null;
		}
		if (!body.isObject()) {
			throw new InvalidInputException("body", "must be a JSON object such as {\"algorithm\": \"EdDSA\"}");
		}
		for (String field : body.propertyNames()) {
			if (!field.equals("algorithm")) {
				throw new InvalidInputException(field, "is not a known field (allowed: algorithm)");
			}
		}
		JsonNode algorithm = body.get("algorithm");
		if (algorithm == null || algorithm.isNull()) {
			return null;
		}
		if (!algorithm.isString() || !ALGORITHMS.contains(algorithm.stringValue())) {
			throw new InvalidInputException("algorithm", "must be EdDSA or ES256");
		}
		return algorithm.stringValue();
	}

	private static Map<String, Object> view(SigningKeys.KeyInfo key) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("kid", key.kid());
		view.put("algorithm", key.algorithm());
		view.put("status", key.status());
		view.put("createdAt", key.createdAt().toString());
		view.put("publishedUntil", (key.publishedUntil() != null) ? key.publishedUntil().toString() : null);
		view.put("jwk", key.publicJwk());
		return view;
	}

}
