package dev.agentidp.app;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy decision point end to end (OpenID AuthZEN Authorization API 1.0) on a real
 * PostgreSQL: its metadata, who may call it, each rule through HTTP with its code and
 * audit record, inactive tokens (revoked, parent suspended), a sub-agent's narrowed
 * token, searches that match evaluations, batch semantics, and malformed requests (400,
 * nothing decided, refusal recorded).
 */
class PolicyIntegrationTests extends PolicyTestSupport {

	@Test
	void theMetadataIsServedAtTheWellKnownPathAndInTheAuthorizationServerMetadata() {
		HttpResponse<String> response = this.http.get("/.well-known/authzen-configuration", null);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode metadata = TestHttp.json(response);
		String base = this.http.baseUrl();
		assertThat(metadata.get("policy_decision_point").asString()).isEqualTo(base);
		assertThat(metadata.get("access_evaluation_endpoint").asString()).isEqualTo(base + "/access/v1/evaluation");
		assertThat(metadata.get("access_evaluations_endpoint").asString()).isEqualTo(base + "/access/v1/evaluations");
		assertThat(metadata.get("search_resource_endpoint").asString()).isEqualTo(base + "/access/v1/search/resource");
		assertThat(metadata.get("search_action_endpoint").asString()).isEqualTo(base + "/access/v1/search/action");
		JsonNode oauth = TestHttp.json(this.http.get("/.well-known/oauth-authorization-server", null));
		assertThat(oauth.get("access_evaluation_endpoint").asString()).isEqualTo(base + "/access/v1/evaluation");
		assertThat(oauth.get("search_action_endpoint").asString()).isEqualTo(base + "/access/v1/search/action");
	}

	@Test
	void anAllowedToolCallIsTrueAndRecordedOnTheActingAgentsChain() {
		TestAgent agent = registerToolAgent("allowed");
		String token = token(agent, "github:create_pr", Map.of("task", "fix-42"), GITHUB);
		JsonNode answer = evaluate(
				evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.02, \"arguments\": {}}"));
		assertThat(answer.get("decision").asBoolean()).isTrue();
		assertThat(answer.get("context").get("code").asString()).isEqualTo("allowed");
		assertThat(answer.get("context").has("reason_admin")).isFalse();
		String id = answer.get("context").get("id").asString();
		Map<String, Object> record = this.jdbc
			.sql("SELECT actor, target, decision, details->>'decisionId' AS decision_id, details->>'target' AS t,"
					+ " details->>'jti' AS jti, details->>'task' AS task, details->>'cost' AS cost,"
					+ " details->>'code' AS code FROM audit_record WHERE chain = ? AND action = 'access.evaluated'")
			.param(agent.id())
			.query()
			.singleRow();
		assertThat(record.get("actor")).isEqualTo(RS);
		assertThat(record.get("target")).isEqualTo("github");
		assertThat(record.get("decision")).isEqualTo("allow");
		assertThat(record.get("decision_id")).isEqualTo(id);
		assertThat(record.get("t")).isEqualTo("repo/main#42");
		assertThat(record.get("jti")).isEqualTo(TestHttp.claims(token).get("jti").asString());
		assertThat(record.get("task")).isEqualTo("fix-42");
		assertThat(record.get("cost")).isEqualTo("0.02");
		assertThat(record.get("code")).isEqualTo("allowed");
	}

	@Test
	void eachRuleDeniesWithItsCodeAndTheDenialIsRecorded() {
		TestAgent agent = registerToolAgent("rules");
		TestAgent other = registerToolAgent("other");
		String github = token(agent, "github:create_pr crm.customers:read", GITHUB);
		String jiraOnly = token(agent, "jira:create_issue", JIRA);
		String githubScopeJiraAudience = token(agent, "github:create_pr", JIRA);
		assertDenied(evaluation(agent.id(), github, "tool", "gitlab", "create_pr", null), "not_declared",
				"tool gitlab is not declared");
		assertDenied(evaluation(agent.id(), github, "tool", "github", "delete_repo", null), "not_declared",
				"action delete_repo");
		assertDenied(evaluation(agent.id(), github, "data", "crm.customers", "write", null), "not_declared",
				"crm.customers");
		assertDenied(evaluation(agent.id(), jiraOnly, "tool", "github", "create_pr", null), "scope_missing",
				"github:create_pr");
		assertDenied(evaluation(agent.id(), githubScopeJiraAudience, "tool", "github", "create_pr", null),
				"audience_mismatch", GITHUB);
		// issue 19: payments:refund needs a human's approval, so client credentials do
		// not
		// grant it at all; approval_required for a token whose approval does not cover
		// the action is ApprovalFlowTests'
		HttpResponse<String> refund = this.http.postForm("/oauth2/token", agent.tokenForm("payments:refund"));
		assertThat(refund.statusCode()).as(refund.body()).isEqualTo(400);
		assertThat(TestHttp.json(refund).get("error").asString()).isEqualTo("invalid_scope");
		assertThat(TestHttp.json(refund).get("error_description").asString()).contains("/oauth2/bc-authorize");
		assertDenied(evaluation(other.id(), github, "tool", "github", "create_pr", null), "subject_mismatch",
				other.id());
		assertDenied(evaluation(agent.id(), "not.a.token", "tool", "github", "create_pr", null), "token_inactive",
				"not one this provider issued");
		// data access declared and covered
		assertThat(evaluate(evaluation(agent.id(), github, "data", "crm.customers", "read", null)).get("decision")
			.asBoolean()).isTrue();
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'"
					+ " AND decision = 'deny' AND reason LIKE 'scope_missing: %'")
			.param(agent.id())
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aRevokedTokenAndOneWhoseParentIsSuspendedAreTokenInactive() {
		TestAgent agent = registerToolAgent("inactive");
		String token = token(agent, "github:create_pr", GITHUB);
		String body = evaluation(agent.id(), token, "tool", "github", "create_pr", null);
		assertThat(evaluate(body).get("decision").asBoolean()).isTrue();
		this.http.postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET, Map.of("token", token));
		assertDenied(body, "token_inactive", "revoked or expired");

		TestAgent parent = registerToolAgent("parent");
		String parentToken = token(parent, "github:create_pr jira:create_issue", GITHUB, JIRA);
		String[] child = exchange(parent, parentToken, "worker", "github:create_pr");
		String childBody = evaluation(child[0], child[1], "tool", "github", "create_pr", null);
		assertThat(evaluate(childBody).get("decision").asBoolean()).isTrue();
		this.agents.suspend(AgentId.of(parent.id()), "incident", "test");
		assertDenied(childBody, "token_inactive", "not active");
		assertThat(TestAssertions.auditCount(this.jdbc, child[0], "access.evaluated")).isEqualTo(2);
	}

	@Test
	void aSubAgentWhoseNarrowedTokenLosesAToolIsDeniedItAndSearchNoLongerListsIt() {
		TestAgent parent = registerToolAgent("narrowing");
		String parentToken = token(parent, "github:create_pr jira:create_issue", GITHUB, JIRA);
		assertThat(evaluate(evaluation(parent.id(), parentToken, "tool", "jira", "create_issue", null)).get("decision")
			.asBoolean()).isTrue();
		String[] child = exchange(parent, parentToken, "pr-writer", "github:create_pr");
		assertThat(evaluate(evaluation(child[0], child[1], "tool", "github", "create_pr", null)).get("decision")
			.asBoolean()).isTrue();
		JsonNode denied = evaluate(evaluation(child[0], child[1], "tool", "jira", "create_issue", null));
		assertThat(denied.get("decision").asBoolean()).isFalse();
		assertThat(denied.get("context").get("code").asString()).isIn("not_declared", "scope_missing");
		assertThat(resources(child[0], child[1], null)).containsExactly("github");
		assertThat(resources(parent.id(), parentToken, null)).containsExactly("github", "jira");
		// the parent's own token is not the sub-agent's to use
		assertDenied(evaluation(child[0], parentToken, "tool", "github", "create_pr", null), "subject_mismatch",
				child[0]);
	}

	@Test
	void searchResultsMatchEvaluation() {
		TestAgent agent = registerToolAgent("search");
		// payments:refund needs approval (issue 19): not in a client-credentials token
		String token = token(agent, "github:create_pr jira:create_issue crm.customers:read", GITHUB, JIRA, PAYMENTS);
		List<String> tools = resources(agent.id(), token, null);
		List<String> allowedTools = new ArrayList<>();
		Map<String, List<String>> declared = Map.of("github", List.of("create_pr", "merge"), "jira",
				List.of("create_issue"), "payments", List.of("refund"));
		declared.forEach((tool, actions) -> {
			List<String> allowedActions = new ArrayList<>();
			for (String action : actions) {
				if (evaluate(evaluation(agent.id(), token, "tool", tool, action, null)).get("decision").asBoolean()) {
					allowedActions.add(action);
				}
			}
			assertThat(actions(agent.id(), token, "tool", tool)).as(tool).isEqualTo(allowedActions);
			if (!allowedActions.isEmpty()) {
				allowedTools.add(tool);
			}
		});
		assertThat(tools).containsExactlyInAnyOrderElementsOf(allowedTools).containsExactly("github", "jira");
		assertThat(resources(agent.id(), token, "create_pr")).containsExactly("github");
		assertThat(actions(agent.id(), token, "data", "crm.customers")).containsExactly("read");
		// paging: one result a page
		HttpResponse<String> first = post("/access/v1/search/resource",
				searchBody(agent.id(), token, null, "{\"type\": \"tool\"}", "{\"limit\": 1}"));
		JsonNode page = TestHttp.json(first).get("page");
		assertThat(TestHttp.json(first).get("results").get(0).get("id").asString()).isEqualTo("github");
		assertThat(page.get("total").asInt()).isEqualTo(2);
		assertThat(page.get("count").asInt()).isEqualTo(1);
		String next = page.get("next_token").asString();
		assertThat(next).isNotEmpty();
		JsonNode second = TestHttp.json(post("/access/v1/search/resource", searchBody(agent.id(), token, null,
				"{\"type\": \"tool\"}", "{\"limit\": 1, \"token\": \"" + next + "\"}")));
		assertThat(second.get("results").get(0).get("id").asString()).isEqualTo("jira");
		assertThat(second.get("page").get("next_token").asString()).isEmpty();
		// searches decide nothing and record no decision
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(4);
	}

	@Test
	void batchesRunInOrderWithEachSemantic() {
		TestAgent agent = registerToolAgent("batch");
		String token = token(agent, "github:create_pr jira:create_issue", GITHUB, JIRA);
		String defaults = "\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}, \"resource\": {\"type\": \"tool\", \"id\":"
				+ " \"github\"}, \"action\": {\"name\": \"create_pr\"}";
		String items = "\"evaluations\": [{}, {\"action\": {\"name\": \"merge\"}},"
				+ " {\"resource\": {\"type\": \"tool\", \"id\": \"jira\"}, \"action\": {\"name\": \"create_issue\"}}]";
		JsonNode all = TestHttp.json(post("/access/v1/evaluations", "{" + defaults + ", " + items + "}"));
		assertThat(decisions(all)).containsExactly(true, false, true);
		assertThat(all.get("evaluations").get(1).get("context").get("code").asString()).isEqualTo("scope_missing");
		JsonNode denyFirst = TestHttp.json(post("/access/v1/evaluations",
				"{" + defaults + ", " + items + ", \"options\": {\"evaluations_semantic\": \"deny_on_first_deny\"}}"));
		assertThat(decisions(denyFirst)).containsExactly(true, false);
		JsonNode permitFirst = TestHttp.json(post("/access/v1/evaluations", "{" + defaults + ", " + items
				+ ", \"options\": {\"evaluations_semantic\": \"permit_on_first_permit\"}}"));
		assertThat(decisions(permitFirst)).containsExactly(true);
		// without evaluations, the defaults are one evaluation
		JsonNode single = TestHttp.json(post("/access/v1/evaluations", "{" + defaults + "}"));
		assertThat(single.get("decision").asBoolean()).isTrue();
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(3 + 2 + 1 + 1);
		// a malformed item refuses the whole batch before anything is decided
		HttpResponse<String> bad = post("/access/v1/evaluations",
				"{" + defaults + ", \"evaluations\": [{}, {\"resource\": {\"type\": \"printer\", \"id\": \"x\"}}]}");
		assertInvalid(bad, "evaluations[1].resource.type: must be tool or data");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(7);
	}

	@Test
	void onlyResourceServersAndAdminClientsMayAskAndEveryRefusalIsRecorded() throws Exception {
		TestAgent agent = registerToolAgent("callers");
		String token = token(agent, "github:create_pr", GITHUB);
		String body = evaluation(agent.id(), token, "tool", "github", "create_pr", null);
		long refused = TestAssertions.auditCount(this.jdbc, "access.refused");
		HttpResponse<String> anonymous = this.http.post("/access/v1/evaluation", null, null, "application/json", body);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
		assertThat(TestHttp.json(anonymous).get("error").asString()).isEqualTo("invalid_client");
		HttpResponse<String> wrongSecret = this.http.post("/access/v1/evaluation", RS, "wrong-secret-0123456789",
				"application/json", body);
		assertThat(wrongSecret.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(wrongSecret).get("error").asString()).isEqualTo("invalid_client");
		// an agent's client assertion cannot travel with a JSON body (RFC 7523 §2.2 puts
		// it
		// in a form body; Spring reads no assertion from the query): never a caller
		Map<String, String> assertion = agent.form("EdDSA");
		assertion.remove("grant_type");
		HttpResponse<String> asAgent = this.http.post("/access/v1/evaluation?" + TestHttp.encode(assertion), null, null,
				"application/json", body);
		assertThat(asAgent.statusCode()).as(asAgent.body()).isEqualTo(401);
		assertThat(TestHttp.json(asAgent).get("error").asString()).isEqualTo("invalid_client");
		assertThat(TestAssertions.auditCount(this.jdbc, "access.refused")).isEqualTo(refused + 3);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isZero();
		// an admin client may ask
		HttpResponse<String> admin = this.http.post("/access/v1/evaluation", "idp-admin", ADMIN_SECRET,
				"application/json", body);
		assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(1);
	}

	@Test
	void aResourceServerThatAuthenticatesWithItsKeyAsksWithItsOwnAccessToken() {
		TestAgent agent = registerToolAgent("bearer-caller");
		String token = token(agent, "github:create_pr", GITHUB);
		String body = evaluation(agent.id(), token, "tool", "github", "create_pr", null);
		// a resource server registered with a public key, no secret
		OctetKeyPair key = TestAgent.newKey();
		HttpResponse<String> registered = this.http.postJson("/admin/v1/clients",
				"{\"name\": \"keyed gateway\", \"kind\": \"resource_server\", \"jwk\": "
						+ key.toPublicJWK().toJSONString() + "}",
				admin().token());
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		TestAgent gateway = new TestAgent(TestHttp.json(registered).get("clientId").asString(), key,
				this.http.baseUrl());
		// RFC 7523: its access token by client credentials with private_key_jwt
		HttpResponse<String> issued = this.http.postForm("/oauth2/token", null, null, gateway.form("EdDSA"));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String gatewayToken = TestHttp.json(issued).get("access_token").asString();
		HttpResponse<String> asked = bearer(gatewayToken, body);
		assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
		assertThat(TestHttp.json(asked).get("decision").asBoolean()).isTrue();
		long refused = TestAssertions.auditCount(this.jdbc, "access.refused");
		// an agent's own token is no caller's credential
		HttpResponse<String> asAgent = bearer(token, body);
		assertThat(asAgent.statusCode()).as(asAgent.body()).isEqualTo(401);
		assertThat(TestHttp.json(asAgent).get("error").asString()).isEqualTo("invalid_client");
		// nor a token that is not an active one of this provider
		HttpResponse<String> forged = bearer(gatewayToken.substring(0, gatewayToken.length() - 4) + "AAAA", body);
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(forged).get("error").asString()).isEqualTo("invalid_token");
		assertThat(forged.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
		assertThat(TestAssertions.auditCount(this.jdbc, "access.refused")).isEqualTo(refused + 2);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(1);
	}

	private HttpResponse<String> bearer(String token, String body) {
		return this.http.send(this.http.request("/access/v1/evaluation")
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	@Test
	void malformedRequestsAre400NamingTheFieldDecideNothingAndAreRecorded() {
		TestAgent agent = registerToolAgent("malformed");
		String token = token(agent, "github:create_pr", GITHUB);
		String subject = "\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}";
		String action = "\"action\": {\"name\": \"create_pr\"}";
		String resource = "\"resource\": {\"type\": \"tool\", \"id\": \"github\"}";
		String foreign = unsignedJwt("https://other-issuer.example.com");
		Map<String, String> cases = new java.util.LinkedHashMap<>();
		cases.put("{" + subject + ", " + action + ", \"resource\": {\"type\": \"printer\", \"id\": \"x\"}}",
				"resource.type: must be tool or data");
		cases.put("{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id() + "\"}, " + action + ", " + resource
				+ "}", "subject.properties: must hold the agent's access token as token");
		cases.put(
				"{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id() + "\", \"properties\": {\"token\": \""
						+ foreign + "\"}}, " + action + ", " + resource + "}",
				"subject.properties.token: is not a token of this provider");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": -0.01}}",
				"context.cost: must not be negative");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": \"0.5\"}}",
				"context.cost: must be a number");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": 1e13}}",
				"context.cost: must be at most 1e12");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": NaN}}",
				"body: is not well-formed JSON");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"context\": {\"arguments\": {\"text\": \""
				+ "x".repeat(17 * 1024) + "\"}}}", "context.arguments: must be at most 16384 bytes");
		cases.put("{" + subject + ", " + action + ", " + resource + ", \"colour\": \"blue\"}",
				"colour: is not a member of the request");
		cases.put("{" + subject + ", " + action + ", \"resource\": {\"type\": \"tool\", \"id\": \"github\","
				+ " \"owner\": \"me\"}}", "resource.owner: is not a member of the request");
		cases.put("{" + subject + ", \"action\": {\"name\": \"read_all\"}, \"resource\": {\"type\": \"data\","
				+ " \"id\": \"crm.customers\"}}", "action.name: must be read, write or delete");
		cases.put("{" + subject + ", " + action + "}", "resource: must not be null");
		cases.put("[]", "body: must be a JSON object");
		cases.put("{" + subject + ", " + action + ", " + resource + ", " + resource + "}", "body: is not well-formed");
		long refused = TestAssertions.auditCount(this.jdbc, "access.refused");
		cases.forEach((body, description) -> assertInvalid(post("/access/v1/evaluation", body), description));
		assertInvalid(this.http.post("/access/v1/evaluation", RS, RS_SECRET, "text/plain", "{}"),
				"Content-Type: must be application/json");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isZero();
		assertThat(TestAssertions.auditCount(this.jdbc, "access.refused")).isEqualTo(refused + cases.size() + 1);
	}

	// --- helpers ---------------------------------------------------------------------

	private void assertDenied(String body, String code, String reason) {
		JsonNode answer = evaluate(body);
		assertThat(answer.get("decision").asBoolean()).as(answer.toString()).isFalse();
		assertThat(answer.get("context").get("code").asString()).as(answer.toString()).isEqualTo(code);
		assertThat(answer.get("context").get("reason_admin").get("en").asString()).contains(reason);
		assertThat(answer.get("context").get("reason_user").get("en").asString()).isNotBlank();
	}

	private void assertInvalid(HttpResponse<String> response, String description) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("error").asString()).isEqualTo("invalid_request");
		assertThat(body.get("error_description").asString()).as(description).startsWith(description);
		assertThat(body.has("decision")).isFalse();
	}

	private List<String> resources(String subject, String token, String action) {
		JsonNode answer = TestHttp
			.json(post("/access/v1/search/resource", searchBody(subject, token, action, "{\"type\": \"tool\"}", null)));
		List<String> ids = new ArrayList<>();
		answer.get("results").forEach((result) -> {
			assertThat(result.get("type").asString()).isEqualTo("tool");
			ids.add(result.get("id").asString());
		});
		return ids;
	}

	private List<String> actions(String subject, String token, String type, String id) {
		HttpResponse<String> response = post("/access/v1/search/action",
				searchBody(subject, token, null, "{\"type\": \"" + type + "\", \"id\": \"" + id + "\"}", null));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<String> names = new ArrayList<>();
		TestHttp.json(response).get("results").forEach((result) -> names.add(result.get("name").asString()));
		return names;
	}

	private static String searchBody(String subject, String token, String action, String resource, String page) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + subject + "\", \"properties\": {\"token\": \"" + token
				+ "\"}}, " + ((action != null) ? "\"action\": {\"name\": \"" + action + "\"}, " : "") + "\"resource\": "
				+ resource + ((page != null) ? ", \"page\": " + page : "") + "}";
	}

	private static List<Boolean> decisions(JsonNode batch) {
		List<Boolean> decisions = new ArrayList<>();
		batch.get("evaluations").forEach((decision) -> decisions.add(decision.get("decision").asBoolean()));
		return decisions;
	}

	private static String unsignedJwt(String issuer) {
		java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
		return base64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}".getBytes()) + "."
				+ base64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"x\",\"jti\":\"j\"}").getBytes())
				+ ".c2lnbmF0dXJl";
	}

}
