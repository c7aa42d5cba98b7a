package dev.agentidp.app.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.TokenRecord;
import dev.agentidp.tokens.TokenService;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
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
 * {@code task}; with cascade; answers {@code {"revoked": N}}; the body is a
 * {@link TokenRevocationRequest}).
 */
@RestController
class TokenAdminController {

	/** The longest revocation reason, within the audit trail's 1024 characters. */
	static final int MAX_REASON = 512;

	private final TokenService tokens;

	private final AgentRegistry agents;

	private final AdminBodies bodies;

	TokenAdminController(TokenService tokens, AgentRegistry agents, AdminBodies bodies) {
		this.tokens = tokens;
		this.agents = agents;
		this.bodies = bodies;
	}

	@GetMapping("/admin/v1/agents/{id}/tokens")
	Map<String, Object> liveTokens(@PathVariable String id) {
		AgentId agentId = agentId(id, "id");
		this.agents.getAgent(agentId);
		List<TokenView> items = this.tokens.liveTokens(agentId).stream().map(TokenView::of).toList();
		Map<String, Object> page = new java.util.LinkedHashMap<>();
		page.put("items", items);
		page.put("nextCursor", null);
		return page;
	}

	@PostMapping(path = "/admin/v1/tokens/revoke", consumes = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Integer> revoke(@RequestBody(required = false) TokenRevocationRequest body,
			Authentication authentication) {
		TokenRevocationRequest request = this.bodies.valid(body, TokenRevocationRequest.class);
		String actor = actor(authentication);
		int revoked = switch (request.target()) {
			case "jti" -> request.tokenId()
				.map((jti) -> this.tokens.revokeByJti(jti, actor, request.reason()))
				.orElseGet(() -> this.tokens.revokeByUnknownJti(request.value(), actor, request.reason()));
			case "agentId" -> this.tokens.revokeByAgent(agentId(request.value(), "agentId"), actor, request.reason());
			default -> this.tokens.revokeByTask(request.value(), actor, request.reason());
		};
		return Map.of("revoked", revoked);
	}

	private static AgentId agentId(String value, String field) {
		try {
			return AgentId.of(value);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(field + " must be a UUID");
		}
	}

	private static ResponseStatusException badRequest(String detail) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
	}

	static String actor(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken jwt) {
			String clientId = jwt.getToken().getClaimAsString("client_id");
			return (clientId != null) ? clientId : jwt.getName();
		}
		// a signed-in console session: the person, user:<email>
		return authentication.getName();
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
			return new TokenView(record.jti().value(), record.scopes().stream().sorted().toList(), record.audience(),
					record.task(), record.lifetime().issuedAt(), record.lifetime().expiresAt(),
					(record.family().parentJti() != null) ? record.family().parentJti().value() : null,
					record.family().depth());
		}

	}

}
