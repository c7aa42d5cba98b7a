package dev.agentidp.anomalies;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static dev.agentidp.app.fixtures.TestAssertions.auditCount;
import static dev.agentidp.app.fixtures.TestAssertions.guardedRows;
import static dev.agentidp.app.fixtures.TestAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detection's journeys on the shared provider (docs/signals.md): simulated agent
 * traffic through the policy decision point, the counts flushed and the rules run by
 * calling the detector's interval at once (the scheduler would, within
 * {@code idp.anomalies.flush-interval}). Each agent sets {@code learningPeriodHours: 0}
 * in its {@code tokenPolicy.anomaly}, so that its traffic counts from its first call.
 */
class AnomalyDetectionIntegrationTests extends ProviderIntegrationTestSupport {

	static final String RS = "rs-anomalies";

	static final String RS_SECRET = "anomalies-rs-secret-0123456789-abcdefghijklmno";

	static final String GITHUB = "https://mcp.example.com/github";

	static final String JIRA = "https://mcp.example.com/jira";

	static final String PAYMENTS = "https://mcp.example.com/payments";

	@Autowired
	AnomalyDetector detector;

	@BeforeEach
	void resourceServer() {
		if (this.clients.findClient(RS).isEmpty()) {
			this.clients.registerWithSecret(RS, "Anomaly gateway", ClientKind.RESOURCE_SERVER, RS_SECRET, Set.of());
		}
	}

	@Test
	void aBurstStepsTheAgentUpUntilAPersonClearsItAndANewToolIsFlagged() {
		TestAgent agent = registerToolAgent("burst", (anomaly) -> anomaly.put("minimumCalls", 10));
		String token = agent.token(this.http, "github:create_pr jira:create_issue", Map.of(), GITHUB, JIRA);
		this.detector.run();
		for (int i = 0; i < 12; i++) {
			evaluate(agent.id(), token, "github", "create_pr");
		}
		this.detector.run();
		// rule 8: stopped until a person clears it
		JsonNode stopped = evaluate(agent.id(), token, "github", "create_pr");
		assertThat(stopped.get("decision").asBoolean()).isFalse();
		assertThat(stopped.get("context").get("code").asString()).isEqualTo("anomaly");
		JsonNode anomalies = list(agent.id());
		JsonNode rate = byRule(anomalies, "rate");
		assertThat(rate.get("reaction").asString()).isEqualTo("step_up");
		assertThat(rate.get("pending").asBoolean()).isTrue();
		assertThat(rate.get("evidence").get("observed").asLong()).isGreaterThanOrEqualTo(12);
		assertThat(rate.get("evidence").get("windowMinutes").asLong()).isEqualTo(5);
		assertThat(rate.get("evidence").get("factor").asInt()).isEqualTo(4);
		assertThat(rate.get("evidence").has("baselinePerWindow")).isTrue();
		// the first use of a tool after the (empty) learning period: flagged only
		JsonNode newTool = byRule(anomalies, "new_resource");
		assertThat(newTool.get("reaction").asString()).isEqualTo("flag");
		assertThat(newTool.get("evidence").get("resource").asString()).isEqualTo("github");
		assertThat(auditCount(this.jdbc, agent.id(), AnomalyDetected.ACTION)).isEqualTo(2);
		// and each is in the outbound signals' outbox, for the webhooks subscribed to it
		assertThat(this.jdbc.sql(
				"SELECT count(*) FROM signal_outbox WHERE event_type = 'anomaly.detected' AND payload ->> 'agentId' = ?")
			.param(agent.id())
			.query(Long.class)
			.single()).isEqualTo(2);
		// a person clears it: allowed again at once on this node
		HttpResponse<String> cleared = admin().post(clearPath(agent.id(), rate.get("id").asString()),
				"{\"reason\": \"load test announced\"}");
		assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
		assertThat(TestHttp.json(cleared).get("pending").asBoolean()).isFalse();
		assertThat(TestHttp.json(cleared).get("clearReason").asString()).isEqualTo("load test announced");
		assertThat(auditCount(this.jdbc, agent.id(), AnomalyCleared.ACTION)).isEqualTo(1);
		assertThat(evaluate(agent.id(), token, "github", "create_pr").get("decision").asBoolean()).isTrue();
		// a flag stops nothing: a second new tool is flagged, and allowed
		assertThat(evaluate(agent.id(), token, "jira", "create_issue").get("decision").asBoolean()).isTrue();
		this.detector.run();
		assertThat(byRule(list(agent.id()), "new_resource").get("evidence").get("resource").asString())
			.isEqualTo("jira");
		// the anomalies' records, evidence included, keep the chain valid
		JsonNode verified = TestHttp.json(admin().get("/admin/v1/audit/verify?chain=" + agent.id()));
		assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
	}

	@Test
	void manyDenialsAndABurstOfSubAgentsAreFlagged() {
		// the burst would be a rate anomaly too: flagged only, so that it stops nothing
		TestAgent agent = registerToolAgent("denied",
				(anomaly) -> anomaly.put("minimumCalls", 20).putObject("reactions").put("rate", "flag"));
		String token = agent.token(this.http, "github:create_pr", Map.of(), GITHUB);
		this.detector.run();
		for (int i = 0; i < 14; i++) {
			evaluate(agent.id(), token, "github", "create_pr");
		}
		for (int i = 0; i < 7; i++) {
			// scope_missing: the token does not cover merge
			assertThat(evaluate(agent.id(), token, "github", "merge").get("decision").asBoolean()).isFalse();
		}
		for (int i = 0; i < 6; i++) {
			HttpResponse<String> exchanged = this.http.postForm("/oauth2/token",
					agent.exchangeForm(token, "helper-" + i, "github:create_pr"));
			assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		}
		this.detector.run();
		JsonNode anomalies = list(agent.id());
		JsonNode denials = byRule(anomalies, "denials");
		assertThat(denials.get("reaction").asString()).isEqualTo("flag");
		assertThat(denials.get("evidence").get("calls").asLong()).isEqualTo(21);
		assertThat(denials.get("evidence").get("denied").asLong()).isEqualTo(7);
		JsonNode subAgents = byRule(anomalies, "sub_agents");
		assertThat(subAgents.get("evidence").get("observed").asLong()).isEqualTo(6);
		assertThat(subAgents.get("evidence").get("minimumSubAgents").asInt()).isEqualTo(5);
		// the out-of-scope report counts the denials by code
		JsonNode outOfScope = TestHttp.json(admin().get("/admin/v1/reports/out-of-scope?days=1&limit=1000"));
		JsonNode row = null;
		for (JsonNode item : outOfScope.get("items")) {
			if (item.get("agentId").asString().equals(agent.id())) {
				row = item;
			}
		}
		assertThat(row).as(outOfScope.toString()).isNotNull();
		assertThat(row.get("denials").get("scope_missing").asLong()).isEqualTo(7);
	}

	@Test
	void clearingTwiceOrAnUnknownAnomalyIsRefusedAndChangesNothing() {
		TestAgent agent = registerToolAgent("clear-twice", (anomaly) -> {
		});
		String token = agent.token(this.http, "github:create_pr", Map.of(), GITHUB);
		evaluate(agent.id(), token, "github", "create_pr");
		this.detector.run();
		String id = byRule(list(agent.id()), "new_resource").get("id").asString();
		assertThat(admin().postNoBody(clearPath(agent.id(), id)).statusCode()).isEqualTo(200);
		String admin = admin().token();
		Map<String, Long> before = guardedRows(this.jdbc);
		long anomalyRows = rows(this.jdbc, "anomaly");
		assertProblem(this.http.send("POST", clearPath(agent.id(), id), admin, null, null), 409, "was cleared already");
		assertProblem(this.http.send("POST", clearPath(agent.id(), "7b0c7f6e-51a4-4c1e-9f39-5a1f1b1f0c11"), admin, null,
				null), 404, "has no anomaly 7b0c7f6e-51a4-4c1e-9f39-5a1f1b1f0c11");
		assertProblem(this.http.send("POST", clearPath(agent.id(), "not-an-id"), admin, null, null), 400,
				"anomalyId: must be an anomaly's id (a UUID)");
		assertProblem(this.http.get("/admin/v1/agents/" + agent.id() + "/anomalies?limit=0", admin), 400,
				"limit: must be between 1 and 500");
		assertThat(guardedRows(this.jdbc)).isEqualTo(before);
		assertThat(rows(this.jdbc, "anomaly")).isEqualTo(anomalyRows);
		assertThat(this.jdbc.sql("SELECT count(*) FROM anomaly WHERE id = ?::uuid AND cleared_at IS NOT NULL")
			.param(id)
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(auditCount(this.jdbc, agent.id(), AnomalyCleared.ACTION)).isEqualTo(1);
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.clear_refused")).isEqualTo(2);
	}

	@Test
	void thresholdsOutOfRangeAreRefusedAndNothingIsStored() {
		long agentsBefore = rows(this.jdbc, "agent");
		assertRefused((anomaly) -> anomaly.put("rateFactor", 0),
				"tokenPolicy.anomaly.rateFactor: must be between 1 and 1000");
		assertRefused((anomaly) -> anomaly.put("denialPercent", 101),
				"tokenPolicy.anomaly.denialPercent: must be between 1 and 100");
		assertRefused((anomaly) -> anomaly.put("learningPeriodHours", 721),
				"tokenPolicy.anomaly.learningPeriodHours: must be between 0 and 720 hours (30 days)");
		assertRefused((anomaly) -> anomaly.putObject("reactions").put("rate", "shutdown"),
				"tokenPolicy.anomaly.reactions.rate");
		assertRefused((anomaly) -> anomaly.putObject("reactions").put("bursts", "flag"),
				"tokenPolicy.anomaly.reactions.bursts");
		assertThat(rows(this.jdbc, "agent")).isEqualTo(agentsBefore);
	}

	@Test
	void theUnusedPermissionsReportOfAnAgentThatUsedTwoOfFiveScopesRemovesTheOtherThree() {
		TestAgent agent = registerToolAgent("unused", (anomaly) -> {
		});
		String token = agent.token(this.http, "github:create_pr jira:create_issue", Map.of(), GITHUB, JIRA);
		assertThat(evaluate(agent.id(), token, "github", "create_pr").get("decision").asBoolean()).isTrue();
		assertThat(evaluate(agent.id(), token, "jira", "create_issue").get("decision").asBoolean()).isTrue();
		// a denied call uses nothing
		assertThat(evaluate(agent.id(), token, "github", "merge").get("decision").asBoolean()).isFalse();
		this.detector.run();
		HttpResponse<String> answer = admin().get("/admin/v1/reports/unused-permissions?agent=" + agent.id());
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		JsonNode report = TestHttp.json(answer);
		assertThat(report.get("days").asInt()).isEqualTo(30);
		assertThat(texts(report.get("usedScopes"))).containsExactly("github:create_pr", "jira:create_issue");
		assertThat(texts(report.get("unused").get("capabilities"))).containsExactlyInAnyOrder("github:merge",
				"payments:refund", "crm.customers:read");
		assertThat(texts(report.get("unused").get("tools"))).containsExactly("payments");
		assertThat(texts(report.get("unused").get("dataAccess"))).containsExactly("crm.customers:read");
		JsonNode patch = report.get("patch");
		assertThat(patch.get("capabilities")).hasSize(2);
		assertThat(patch.get("dataAccess")).isEmpty();
		// the patch is ready: applied as it is, the document keeps only what was used
		HttpResponse<String> patched = admin().patchAs("/admin/v1/agents/" + agent.id(), "application/merge-patch+json",
				patch.toString());
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		JsonNode document = TestHttp.json(patched);
		assertThat(document.get("capabilities")).hasSize(2);
		assertThat(document.get("tools")).hasSize(2);
		assertThat(texts(document.get("tools").get(0).get("permissions"))).containsExactly("create_pr");
		// and the other reports answer
		JsonNode outOfScope = TestHttp.json(admin().get("/admin/v1/reports/out-of-scope?days=1"));
		assertThat(outOfScope.toString()).contains(agent.id());
		assertProblem(admin().get("/admin/v1/reports/out-of-scope?days=0"), 400, "days: must be between 1 and 365");
		assertProblem(admin().get("/admin/v1/reports/unused-permissions"), 400, "agent: is required");
		assertThat(admin().get("/admin/v1/reports/failing-authentication").statusCode()).isEqualTo(200);
		assertThat(admin().get("/admin/v1/reports/stale-keys?days=1").statusCode()).isEqualTo(200);
		HttpResponse<String> ownerless = admin().get("/admin/v1/reports/ownerless?limit=5");
		assertThat(ownerless.statusCode()).as(ownerless.body()).isEqualTo(200);
		// the test agents' owners are no people of the console
		assertThat(TestHttp.json(ownerless).get("items").get(0).get("why").asString())
			.isEqualTo("no person has this email");
	}

	private void assertRefused(Consumer<ObjectNode> anomaly, String detail) {
		HttpResponse<String> answer = documentFor("refused", anomaly).post();
		assertProblem(answer, 400, detail);
	}

	private TestAgent registerToolAgent(String prefix, Consumer<ObjectNode> anomaly) {
		return documentFor(prefix, anomaly).register();
	}

	/**
	 * Five scopes: github create_pr and merge, jira create_issue, payments refund, read
	 * access to crm.customers; no learning period.
	 */
	private TestAgents.Document documentFor(String prefix, Consumer<ObjectNode> anomaly) {
		return new TestAgents(this.http, admin().token(), this.http.baseUrl()).document("anomalies-" + prefix)
			.scope("github:create_pr", "low")
			.scope("github:merge", "high")
			.scope("jira:create_issue", "low")
			.scope("payments:refund", "critical")
			.scope("crm.customers:read", "medium")
			.tool("github", GITHUB, "create_pr", "merge")
			.tool("jira", JIRA, "create_issue")
			.tool("payments", PAYMENTS, "refund")
			.dataAccess("crm.customers", "read", "confidential")
			.tokenPolicy((policy) -> {
				ObjectNode node = policy.putObject("anomaly").put("learningPeriodHours", 0);
				anomaly.accept(node);
			});
	}

	private JsonNode evaluate(String subject, String token, String tool, String action) {
		String body = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + subject + "\", \"properties\": {\"token\": \""
				+ token + "\"}}, \"action\": {\"name\": \"" + action
				+ "\"}, \"resource\": {\"type\": \"tool\", \"id\": \"" + tool
				+ "\", \"properties\": {\"target\": \"acme/app#" + tool + "\"}}}";
		HttpResponse<String> response = this.http.post("/access/v1/evaluation", RS, RS_SECRET, "application/json",
				body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	private JsonNode list(String agentId) {
		HttpResponse<String> answer = admin().get("/admin/v1/agents/" + agentId + "/anomalies");
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return TestHttp.json(answer).get("items");
	}

	/** The newest anomaly of a rule. */
	private static JsonNode byRule(JsonNode anomalies, String rule) {
		for (JsonNode anomaly : anomalies) {
			if (anomaly.get("rule").asString().equals(rule)) {
				return anomaly;
			}
		}
		throw new AssertionError("no " + rule + " anomaly in " + anomalies);
	}

	private static String clearPath(String agentId, String anomalyId) {
		return "/admin/v1/agents/" + agentId + "/anomalies/" + anomalyId + "/clear";
	}

	private static List<String> texts(JsonNode array) {
		return array.valueStream().map(JsonNode::asString).toList();
	}

}
