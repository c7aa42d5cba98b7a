package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the policy decision point's journeys share: a resource server that calls it, an
 * agent whose document declares tools, data and oversight, its tokens and sub-agents, and
 * the AuthZEN request bodies.
 */
abstract class PolicyTestSupport extends ProviderIntegrationTestSupport {

	static final String RS = "rs-policy";

	static final String RS_SECRET = "policy-rs-secret-0123456789-abcdefghijklmnopq";

	static final String GITHUB = "https://mcp.example.com/github";

	static final String JIRA = "https://mcp.example.com/jira";

	static final String PAYMENTS = "https://mcp.example.com/payments";

	static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

	@BeforeEach
	void resourceServer() {
		if (this.clients.findClient(RS).isEmpty()) {
			this.clients.registerWithSecret(RS, "Tool gateway", ClientKind.RESOURCE_SERVER, RS_SECRET, Set.of());
		}
	}

	/**
	 * An agent with three tools (github: create_pr, merge; jira: create_issue; payments:
	 * refund, which needs approval) and read access to crm.customers, each covered by a
	 * capability ({@code merge} is high risk).
	 */
	TestAgent registerToolAgent(String prefix) {
		return registerToolAgent(prefix, (document) -> {
		});
	}

	/**
	 * The same agent, its document edited first (a budget, conditions).
	 * @param prefix its name's prefix
	 * @param edit changes to the document before it is registered
	 * @return the agent
	 */
	TestAgent registerToolAgent(String prefix, java.util.function.Consumer<ObjectNode> edit) {
		// through the admin API, as an operator registers it
		return new TestAgents(this.http, admin().token(), this.http.baseUrl()).document(prefix)
			.scope("github:create_pr", "low")
			.scope("github:merge", "high")
			.scope("jira:create_issue", "low")
			.scope("payments:refund", "critical")
			.scope("crm.customers:read", "medium")
			.tool("github", GITHUB, "create_pr", "merge")
			.tool("jira", JIRA, "create_issue")
			.tool("payments", PAYMENTS, "refund")
			.dataAccess("crm.customers", "read", "confidential")
			.edit((document) -> {
				ObjectNode oversight = document.putObject("humanOversight");
				oversight.putArray("requiredFor").add("payments:refund");
				oversight.putArray("approvers").add("finance-lead");
			})
			.tokenPolicy((policy) -> policy.put("defaultTtlSeconds", 900)
				.put("maxTtlSeconds", 3600)
				.put("maxDelegationDepth", 3))
			.edit(edit)
			.register();
	}

	String token(TestAgent agent, String scope, Map<String, String> extra, String... resources) {
		return agent.token(this.http, scope, extra, resources);
	}

	String token(TestAgent agent, String scope, String... resources) {
		return token(agent, scope, Map.of(), resources);
	}

	/** A sub-agent's token derived by the parent: its id and token. */
	String[] exchange(TestAgent parent, String subjectToken, String subAgent, String scope) {
		Map<String, String> form = parent.form("EdDSA", scope);
		form.put("grant_type", EXCHANGE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", ACCESS_TOKEN);
		form.put("sub_agent", subAgent);
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(response);
		return new String[] { body.get("sub_agent_id").asString(), body.get("access_token").asString() };
	}

	static String evaluation(String subject, String token, String type, String id, String action, String context) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + subject + "\", \"properties\": {\"token\": \"" + token
				+ "\"}}, \"action\": {\"name\": \"" + action + "\"}, \"resource\": {\"type\": \"" + type
				+ "\", \"id\": \"" + id + "\", \"properties\": {\"repo\": \"acme/app\", \"target\": \"repo/main#42\"}}"
				+ ((context != null) ? ", \"context\": " + context : "") + "}";
	}

	HttpResponse<String> post(String path, String body) {
		return this.http.post(path, RS, RS_SECRET, "application/json", body);
	}

	JsonNode evaluate(String body) {
		HttpResponse<String> response = post("/access/v1/evaluation", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

}
