package dev.agentidp.app.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /admin/v1/agents/{id}/tokens} (an agent's live tokens) and
 * {@code POST /admin/v1/tokens/revoke} (by exactly one of {@code jti}, {@code agentId},
 * {@code task}; with cascade; answers {@code {"revoked": N}}).
 */
@RestController
class TokenAdminController {

	/** The longest revocation reason, within the audit trail's 1024 characters. */
	static final int MAX_REASON = 512;

	private final TokenService tokens;

	private final AgentRegistry agents;

	TokenAdminController(TokenService tokens, AgentRegistry agents) {
		this.tokens = tokens;
		this.agents = agents;
	}

	@GetMapping("/admin/v1/agents/{id}/tokens")
	Map<String, Object> liveTokens(@PathVariable String id) {
		UUID agentId = uuid(id, "id");
		this.agents.getAgent(agentId);
		List<TokenView> items = this.tokens.liveTokens(agentId).stream().map(TokenView::of).toList();
		Map<String, Object> page = new java.util.LinkedHashMap<>();
		page.put("items", items);
		page.put("nextCursor", null);
		return page;
	}

	@PostMapping(path = "/admin/v1/tokens/revoke", consumes = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Integer> revoke(@RequestBody JsonNode body, JwtAuthenticationToken authentication) {
		if (body == null || !body.isObject()) {
			throw badRequest("The body must be a JSON object with exactly one of jti, agentId, task");
		}
		List<String> named = List.of("jti", "agentId", "task").stream().filter(body::has).toList();
		body.propertyNames().forEach((field) -> {
			if (!List.of("jti", "agentId", "task", "reason").contains(field)) {
				throw badRequest("Unknown field '" + field + "': give exactly one of jti, agentId, task");
			}
		});
		if (named.size() != 1) {
			throw badRequest("Give exactly one of jti, agentId, task");
		}
		String field = named.get(0);
		JsonNode value = body.get(field);
		if (!value.isString() || value.asString().isBlank() || value.asString().length() > 128) {
			throw badRequest(field + " must be a non-empty string of at most 128 characters");
		}
		String reason = null;
		if (body.has("reason") && !body.get("reason").isNull()) {
			JsonNode given = body.get("reason");
			// the audit trail keeps a reason of at most 1024 characters
			if (!given.isString() || given.asString().length() > MAX_REASON
					|| given.asString().chars().anyMatch(Character::isISOControl)) {
				throw badRequest(
						"reason must be a string of at most " + MAX_REASON + " characters without control characters");
			}
			reason = given.asString();
		}
		String actor = actor(authentication);
		int revoked = switch (field) {
			case "jti" -> this.tokens.revokeByJti(value.asString(), actor, reason);
			case "agentId" -> this.tokens.revokeByAgent(uuid(value.asString(), "agentId"), actor, reason);
			default -> this.tokens.revokeByTask(value.asString(), actor, reason);
		};
		return Map.of("revoked", revoked);
	}

	private static UUID uuid(String value, String field) {
		try {
			return UUID.fromString(value);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(field + " must be a UUID");
		}
	}

	private static ResponseStatusException badRequest(String detail) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
	}

	static String actor(JwtAuthenticationToken authentication) {
		String clientId = authentication.getToken().getClaimAsString("client_id");
		return (clientId != null) ? clientId : authentication.getName();
	}

	/**
	 * A live token as the admin API shows it (never the token itself).
	 *
	 * @param jti the token id
	 * @param scopes its scopes
	 * @param audience its audience
	 * @param task its task, or {@code null}
	 * @param issuedAt when it was issued
	 * @param expiresAt when it expires
	 * @param parentJti the token it derives from, or {@code null}
	 * @param delegationDepth its delegation depth
	 */
	record TokenView(String jti, List<String> scopes, List<String> audience, String task, Instant issuedAt,
			Instant expiresAt, String parentJti, int delegationDepth) {

		static TokenView of(TokenRecord record) {
			return new TokenView(record.jti(), record.scopes().stream().sorted().toList(), record.audience(),
					record.task(), record.issuedAt(), record.expiresAt(), record.parentJti(), record.depth());
		}

	}

}
