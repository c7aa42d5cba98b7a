package dev.agentidp.resourceserver;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@link PolicyDecisions} over the provider's AuthZEN 1.0 endpoints
 * ({@code /access/v1/evaluation}, {@code /access/v1/search/action}), authenticated with
 * {@code client_secret_basic} (the only client authentication a JSON body allows;
 * docs/policy.md). Deny by default: an answer that is not a decision is a denial.
 */
final class AuthZenPolicyClient implements PolicyDecisions {

	private static final Log logger = LogFactory.getLog(AuthZenPolicyClient.class);

	/** The most pages of one action search read. */
	private static final int MAX_PAGES = 10;

	private final ProviderHttp http;

	private final String base;

	AuthZenPolicyClient(ProviderHttp http, ResourceServerProperties properties) {
		this.http = http;
		this.base = properties.issuerBase();
	}

	@Override
	public ToolDecision evaluate(AgentAuthentication caller, String tool, String action, String target,
			BigDecimal cost) {
		Map<String, Object> resource = new LinkedHashMap<>();
		resource.put("type", "tool");
		resource.put("id", tool);
		if (target != null) {
			resource.put("properties", Map.of("target", target));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("subject", subject(caller));
		body.put("action", Map.of("name", action));
		body.put("resource", resource);
		if (cost != null) {
			body.put("context", Map.of("cost", cost));
		}
		ProviderHttp.Answer answer;
		try {
			answer = this.http.postJson(this.base + "/access/v1/evaluation", body);
		}
		catch (ProviderUnavailableException ex) {
			logger.warn("The policy decision point could not be asked: " + ex.getMessage());
			return ToolDecision.unavailable("unreachable");
		}
		if (answer.status() != 200 || !(answer.body().get("decision") instanceof Boolean decision)
				|| !(answer.body().get("context") instanceof Map<?, ?> context)) {
			logger.warn("The policy decision point answered " + answer.status() + ": " + answer.body().get("error")
					+ " " + answer.body().get("error_description"));
			return ToolDecision.unavailable("it answered " + answer.status());
		}
		String code = (context.get("code") instanceof String value) ? value : (decision ? "allowed" : "denied");
		String reason = (context.get("reason_user") instanceof Map<?, ?> user && user.get("en") instanceof String en)
				? en : null;
		String id = (context.get("id") instanceof String value) ? value : null;
		if (!decision && reason == null) {
			reason = "The call is not allowed";
		}
		return new ToolDecision(decision, code, decision ? null : reason, id);
	}

	@Override
	public Set<String> allowedActions(AgentAuthentication caller, String tool) {
		Set<String> actions = new LinkedHashSet<>();
		String page = null;
		for (int i = 0; i < MAX_PAGES; i++) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("subject", subject(caller));
			body.put("resource", Map.of("type", "tool", "id", tool));
			body.put("page", (page != null) ? Map.of("token", page, "limit", 500) : Map.of("limit", 500));
			ProviderHttp.Answer answer;
			try {
				answer = this.http.postJson(this.base + "/access/v1/search/action", body);
			}
			catch (ProviderUnavailableException ex) {
				logger.warn("The policy decision point could not be searched: " + ex.getMessage());
				return Set.of();
			}
			if (answer.status() != 200 || !(answer.body().get("results") instanceof List<?> results)) {
				logger.warn("The policy decision point's search answered " + answer.status());
				return Set.of();
			}
			for (Object result : results) {
				if (result instanceof Map<?, ?> item && item.get("name") instanceof String name) {
					actions.add(name);
				}
			}
			page = (answer.body().get("page") instanceof Map<?, ?> paging
					&& paging.get("next_token") instanceof String next && !next.isEmpty()) ? next : null;
			if (page == null) {
				break;
			}
		}
		return Set.copyOf(actions);
	}

	/**
	 * AuthZEN {@code subject}: the acting agent, its token, and its proof for a bound
	 * one.
	 */
	private static Map<String, Object> subject(AgentAuthentication caller) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("token", caller.accessToken());
		if (caller.dpopProof() != null) {
			properties.put("dpop_proof", caller.dpopProof());
			properties.put("htm", caller.method());
			properties.put("htu", caller.uri());
		}
		return Map.of("type", "agent", "id", caller.token().actor(), "properties", properties);
	}

}
