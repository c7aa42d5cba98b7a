package dev.agentidp.app.policy;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.agentidp.app.policy.AccessEvaluationBodies.ActionSearch;
import dev.agentidp.app.policy.AccessEvaluationBodies.Evaluation;
import dev.agentidp.app.policy.AccessEvaluationBodies.Options;
import dev.agentidp.app.policy.AccessEvaluationBodies.ResourceSearch;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.policy.AccessDecision;
import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.AuthZenMetadata;
import dev.agentidp.policy.EvaluationsSemantic;
import dev.agentidp.policy.InvalidAccessRequestException;
import dev.agentidp.policy.PolicyDecisionPoint;
import dev.agentidp.policy.ResourceType;
import dev.agentidp.policy.SearchPage;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The policy decision point's HTTP API, OpenID AuthZEN Authorization API 1.0
 * (docs/policy.md): access evaluation, batch evaluations, resource and action search.
 * Served by a filter at the end of the policy decision point's security chain
 * ({@link #filter()}, after Spring Security has authenticated and authorized the caller),
 * not by a Spring MVC handler: the decision is the provider's hottest path, and MVC's
 * dispatch (handler mapping, argument and return-value handling, content negotiation)
 * cost about a sixth of its request thread's CPU samples (JFR, issue 22). Every rule of
 * the answer is here and in the classes it calls, once. Bodies are read strictly
 * ({@link PolicyRequests}); a malformed one is 400 {@code invalid_request} with
 * {@code "<field path>: <rule>"}, decides nothing and is recorded as
 * {@code access.refused}. The metadata document stays an MVC handler
 * ({@link AccessEvaluationController}).
 */
@Component
public class AuthZenEndpoints {

	private static final Set<String> BATCH_MEMBERS = Set.of("subject", "action", "resource", "context", "evaluations",
			"options");

	private static final Set<String> EVALUATION_MEMBERS = Set.of("subject", "action", "resource", "context");

	private static final Set<String> DATA_ACTIONS = Set.of("read", "write", "delete");

	private final PolicyDecisionPoint pdp;

	private final PolicyRequests requests;

	private final JsonMapper json;

	/** What answers each endpoint, by its path. */
	private final Map<String, Function<HttpServletRequest, Map<String, Object>>> handlers = Map.of(
			AuthZenMetadata.EVALUATION, this::evaluation, AuthZenMetadata.EVALUATIONS, this::evaluations,
			AuthZenMetadata.SEARCH_RESOURCE, this::searchResource, AuthZenMetadata.SEARCH_ACTION, this::searchAction);

	AuthZenEndpoints(PolicyDecisionPoint pdp, PolicyRequests requests, JsonMapper json) {
		Assert.notNull(pdp, "pdp cannot be null");
		Assert.notNull(requests, "requests cannot be null");
		Assert.notNull(json, "json cannot be null");
		this.pdp = pdp;
		this.requests = requests;
		this.json = json;
	}

	/**
	 * The filter that answers {@code POST} on the four AuthZEN endpoints, for the end of
	 * the policy decision point's security chain; any other request goes on down the
	 * chain (to MVC, which answers the metadata or 404).
	 * @return the filter
	 */
	public Filter filter() {
		return new EndpointFilter();
	}

	Map<String, Object> evaluation(HttpServletRequest request) {
		Evaluation body = evaluation(this.requests.body(request), "");
		return decision(this.pdp.evaluate(PolicyCallers.caller(), issuer(), body.toAccessRequest()));
	}

	/**
	 * AuthZEN 1.0 batch: the top-level {@code subject}, {@code action}, {@code resource}
	 * and {@code context} are defaults that each evaluation's own members replace;
	 * without {@code evaluations} the request is one evaluation (and so is its answer).
	 */
	Map<String, Object> evaluations(HttpServletRequest request) {
		JsonNode body = this.requests.body(request);
		requireMembers(body, BATCH_MEMBERS, "");
		EvaluationsSemantic semantic = EvaluationsSemantic.EXECUTE_ALL;
		if (body.has("options")) {
			Options options = this.requests.options(body.get("options"));
			if (options.evaluations_semantic() != null) {
				semantic = EvaluationsSemantic.from(options.evaluations_semantic()).orElseThrow();
			}
		}
		ObjectNode defaults = ((ObjectNode) body).deepCopy();
		defaults.remove("evaluations");
		defaults.remove("options");
		JsonNode evaluations = body.get("evaluations");
		if (evaluations == null || evaluations.isNull() || (evaluations.isArray() && evaluations.isEmpty())) {
			Evaluation single = evaluation(defaults, "");
			return decision(this.pdp.evaluate(PolicyCallers.caller(), issuer(), single.toAccessRequest()));
		}
		if (!evaluations.isArray()) {
			throw new PolicyRequestException("evaluations", "must be a JSON array");
		}
		if (evaluations.size() > PolicyRequests.MAX_EVALUATIONS) {
			throw new PolicyRequestException("evaluations",
					"must hold at most " + PolicyRequests.MAX_EVALUATIONS + " evaluations");
		}
		List<AccessRequest> batch = new ArrayList<>(evaluations.size());
		for (int i = 0; i < evaluations.size(); i++) {
			String prefix = "evaluations[" + i + "].";
			JsonNode item = evaluations.get(i);
			if (!item.isObject()) {
				throw new PolicyRequestException("evaluations[" + i + "]", "must be a JSON object");
			}
			requireMembers(item, EVALUATION_MEMBERS, prefix);
			ObjectNode merged = defaults.deepCopy();
			item.properties().forEach((member) -> merged.set(member.getKey(), member.getValue()));
			batch.add(evaluation(merged, prefix).toAccessRequest());
		}
		List<Map<String, Object>> answers = new ArrayList<>();
		for (AccessDecision decision : this.pdp.evaluateAll(PolicyCallers.caller(), issuer(), batch, semantic)) {
			answers.add(decision(decision));
		}
		return Map.of("evaluations", answers);
	}

	Map<String, Object> searchResource(HttpServletRequest request) {
		ResourceSearch body = this.requests.resourceSearch(this.requests.body(request));
		ResourceType type = ResourceType.from(body.resource().type()).orElseThrow();
		String action = (body.action() != null) ? body.action().name() : null;
		requireDataAction(type, action);
		AccessRequest probe = new AccessRequest(body.subject().id(), body.subject().properties().token(),
				(action != null) ? action : "*", type, "*", body.resource().properties(), BigDecimal.ZERO,
				(body.context() != null) ? body.context().arguments() : null, body.subject().properties().dpop());
		SearchPage page = this.pdp.searchResources(issuer(), probe, action, pageToken(body.page()),
				pageLimit(body.page()));
		List<Map<String, Object>> results = page.results()
			.stream()
			.map((id) -> member("type", type.value(), "id", id))
			.toList();
		return search(results, page);
	}

	Map<String, Object> searchAction(HttpServletRequest request) {
		ActionSearch body = this.requests.actionSearch(this.requests.body(request));
		this.requests.requireSmall("resource.properties", body.resource().properties());
		ResourceType type = ResourceType.from(body.resource().type()).orElseThrow();
		AccessRequest probe = new AccessRequest(body.subject().id(), body.subject().properties().token(), "*", type,
				body.resource().id(), body.resource().properties(), BigDecimal.ZERO,
				(body.context() != null) ? body.context().arguments() : null, body.subject().properties().dpop());
		SearchPage page = this.pdp.searchActions(issuer(), probe, pageToken(body.page()), pageLimit(body.page()));
		List<Map<String, Object>> results = page.results()
			.stream()
			.map((name) -> member("name", name, null, null))
			.toList();
		return search(results, page);
	}

	private Evaluation evaluation(JsonNode node, String prefix) {
		Evaluation evaluation = this.requests.evaluation(node, prefix);
		requireDataAction(ResourceType.from(evaluation.resource().type()).orElseThrow(), evaluation.action().name());
		this.requests.requireSmall(prefix + "resource.properties", evaluation.resource().properties());
		if (evaluation.context() != null) {
			this.requests.requireSmall(prefix + "context.arguments", evaluation.context().arguments());
		}
		return evaluation;
	}

	private static void requireDataAction(ResourceType type, String action) {
		if (type == ResourceType.DATA && action != null && !DATA_ACTIONS.contains(action)) {
			throw new PolicyRequestException("action.name", "must be read, write or delete for a data resource");
		}
	}

	private static void requireMembers(JsonNode object, Set<String> allowed, String prefix) {
		for (Iterator<String> names = object.propertyNames().iterator(); names.hasNext();) {
			String name = names.next();
			if (!allowed.contains(name)) {
				throw new PolicyRequestException(prefix + name, "is not a member of the request (AuthZEN 1.0)");
			}
		}
	}

	/** A result object, its members in this order (a {@code Map.of} has none). */
	private static Map<String, Object> member(String name, Object value, String otherName, Object other) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put(name, value);
		if (otherName != null) {
			result.put(otherName, other);
		}
		return result;
	}

	private static String pageToken(AccessEvaluationBodies.Page page) {
		return (page != null) ? page.token() : null;
	}

	private static int pageLimit(AccessEvaluationBodies.Page page) {
		return (page != null && page.limit() != null) ? page.limit() : PolicyDecisionPoint.DEFAULT_PAGE_SIZE;
	}

	private static String issuer() {
		return AuthorizationServerContextHolder.getContext().getIssuer();
	}

	private static Map<String, Object> search(List<Map<String, Object>> results, SearchPage page) {
		Map<String, Object> pageBody = new LinkedHashMap<>();
		pageBody.put("next_token", page.nextToken());
		pageBody.put("count", page.results().size());
		pageBody.put("total", page.total());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("results", results);
		body.put("page", pageBody);
		return body;
	}

	/** AuthZEN 1.0's decision object, with this PDP's context members. */
	static Map<String, Object> decision(AccessDecision decision) {
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("id", decision.id());
		context.put("code", decision.code().value());
		if (!decision.allowed()) {
			context.put("reason_admin", Map.of("en", decision.reasonAdmin()));
			context.put("reason_user", Map.of("en", decision.reasonUser()));
		}
		if (decision.budget() != null) {
			Map<String, Object> budget = new LinkedHashMap<>();
			budget.put("unit", decision.budget().unit());
			budget.put("limit", decision.budget().limit());
			budget.put("spent", decision.budget().spent());
			budget.put("remaining", decision.budget().remaining());
			context.put("budget", budget);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("decision", decision.allowed());
		body.put("context", context);
		return body;
	}

	/**
	 * The endpoints as a filter: 200 with the answer as {@code application/json} (written
	 * by the provider's JSON mapper, as MVC wrote it), or 400 {@code invalid_request}
	 * (RFC 6749 §5.2, as the OAuth endpoints answer it) for a malformed request, nothing
	 * decided or debited, recorded as {@code access.refused}.
	 */
	private final class EndpointFilter extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			Function<HttpServletRequest, Map<String, Object>> handler = HttpMethod.POST.matches(request.getMethod())
					? AuthZenEndpoints.this.handlers
						.get(request.getRequestURI().substring(request.getContextPath().length()))
					: null;
			if (handler == null) {
				chain.doFilter(request, response);
				return;
			}
			Map<String, Object> body;
			try {
				body = handler.apply(request);
			}
			catch (PolicyRequestException | InvalidAccessRequestException ex) {
				AuthZenEndpoints.this.pdp.refused(PolicyCallers.caller(), request.getRequestURI(), "invalid_request",
						ex.getMessage(), RequestSource.of(request.getRemoteAddr()));
				response.setHeader(HttpHeaders.CACHE_CONTROL, CacheControl.noStore().getHeaderValue());
				write(response, HttpServletResponse.SC_BAD_REQUEST,
						PolicyErrors.body("invalid_request", ex.getMessage()));
				return;
			}
			write(response, HttpServletResponse.SC_OK, body);
		}

		private void write(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
			byte[] bytes = AuthZenEndpoints.this.json.writeValueAsBytes(body);
			response.setStatus(status);
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setContentLength(bytes.length);
			response.getOutputStream().write(bytes);
		}

	}

}
