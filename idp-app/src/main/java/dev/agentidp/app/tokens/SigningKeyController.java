package dev.agentidp.app.tokens;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.tokens.SigningKeys;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
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

	private final SigningKeys keys;

	private final AdminBodies bodies;

	SigningKeyController(SigningKeys keys, AdminBodies bodies) {
		this.keys = keys;
		this.bodies = bodies;
	}

	@GetMapping(path = "/admin/v1/signing-keys", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> list() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("items", this.keys.keys().stream().map(SigningKeyController::view).toList());
		answer.put("nextCursor", null);
		return answer;
	}

	@PostMapping(path = "/admin/v1/signing-keys/rotate", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> rotate(@RequestBody(required = false) SigningKeyRotationRequest body,
			Authentication authentication) {
		String algorithm = SigningKeyRotationRequest.of(this.bodies.optional(body, SigningKeyRotationRequest.class));
		return view(this.keys.rotate(algorithm, TokenAdminController.actor(authentication)));
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
