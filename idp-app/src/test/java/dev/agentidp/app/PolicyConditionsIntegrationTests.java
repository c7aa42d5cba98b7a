package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 5 through HTTP (issue 16): conditions declared on capabilities and data access
 * entries of the identity document, compiled when the document is written (a condition
 * that does not compile is 400 naming the member, at registration and at PATCH), and
 * required true at every decision ({@code condition_false} otherwise): cost limits, hours
 * in a time zone, read-only outside a window, a resource property matched against a token
 * claim, the task's remaining budget.
 */
class PolicyConditionsIntegrationTests extends PolicyTestSupport {

	/**
	 * The hour now in a zone, and one twelve hours away (never now, give or take one).
	 */
	private static int hourIn(String zone, int offset) {
		return (ZonedDateTime.now(ZoneId.of(zone)).getHour() + offset) % 24;
	}

	private static void condition(ObjectNode document, int capability, String expression) {
		((ObjectNode) document.get("capabilities").get(capability)).put("condition", expression);
	}

	@Test
	void aCostConditionAllowsCheapCallsAndDeniesDearOnes() {
		TestAgent agent = registerToolAgent("cost", (document) -> condition(document, 0, "request.cost < 5.0"));
		String token = token(agent, "github:create_pr", GITHUB);
		JsonNode cheap = evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 1.5}"));
		assertThat(cheap.get("decision").asBoolean()).as(cheap.toString()).isTrue();
		JsonNode dear = evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 6}"));
		assertThat(dear.get("decision").asBoolean()).isFalse();
		assertThat(dear.get("context").get("code").asString()).isEqualTo("condition_false");
		assertThat(dear.get("context").get("reason_admin").get("en").asString()).contains("request.cost < 5.0");
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'
				AND details->>'code' = 'condition_false'""").param(agent.id()).query(Long.class).single())
			.as("the denial is audited")
			.isEqualTo(1);
	}

	@Test
	void businessHoursInATimeZoneAreTheHoursOfThatZone() {
		int now = hourIn("Asia/Tokyo", 0);
		int next = hourIn("Asia/Tokyo", 1);
		int away = hourIn("Asia/Tokyo", 12);
		TestAgent agent = registerToolAgent("hours", (document) -> {
			condition(document, 0, "request.time.getHours('Asia/Tokyo') in [" + now + ", " + next + "]");
			condition(document, 2, "request.time.getHours('Asia/Tokyo') == " + away);
		});
		String token = token(agent, "github:create_pr jira:create_issue", GITHUB, JIRA);
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", null)).get("decision")
			.asBoolean()).isTrue();
		JsonNode closed = evaluate(evaluation(agent.id(), token, "tool", "jira", "create_issue", null));
		assertThat(closed.get("context").get("code").asString()).isEqualTo("condition_false");
	}

	@Test
	void dataIsReadOnlyOutsideTheMaintenanceWindowAndPropertiesMustMatchTheTokensTask() {
		int away = hourIn("UTC", 12);
		TestAgent agent = registerToolAgent("window", (document) -> {
			ArrayNode capabilities = (ArrayNode) document.get("capabilities");
			capabilities.addObject().put("scope", "crm.customers:write").put("riskLevel", "high");
			ArrayNode data = (ArrayNode) document.get("dataAccess");
			// reads: only the customer the task is about
			((ObjectNode) data.get(0)).put("condition", "resource.properties.customer == token.task");
			// writes: only in the maintenance window, which is not now
			data.addObject()
				.put("resource", "crm.customers")
				.put("access", "write")
				.put("sensitivity", "confidential")
				.put("condition", "request.time.getHours('UTC') == " + away);
		});
		String token = token(agent, "crm.customers:read crm.customers:write", Map.of("task", "cust-42"));
		JsonNode read = evaluate(data(agent, token, "read", "cust-42"));
		assertThat(read.get("decision").asBoolean()).as(read.toString()).isTrue();
		JsonNode otherCustomer = evaluate(data(agent, token, "read", "cust-7"));
		assertThat(otherCustomer.get("context").get("code").asString()).isEqualTo("condition_false");
		JsonNode write = evaluate(data(agent, token, "write", "cust-42"));
		assertThat(write.get("context").get("code").asString()).isEqualTo("condition_false");
	}

	@Test
	void aConditionOnTheBudgetSeesWhatTheTaskHasLeft() {
		TestAgent agent = registerToolAgent("leftover", (document) -> {
			PolicyBudgetIntegrationTests.budget(document);
			condition(document, 0, "budget.remaining >= 0.5");
		});
		String token = token(agent, "github:create_pr", Map.of("task", "t-left"), GITHUB);
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.4}"))
			.get("decision")
			.asBoolean()).isTrue();
		// 0.6 left: still at least 0.5
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.2}"))
			.get("decision")
			.asBoolean()).isTrue();
		// 0.4 left
		assertThat(
				evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.1}")).get("context")
					.get("code")
					.asString())
			.isEqualTo("condition_false");
	}

	@Test
	void aConditionThatDoesNotCompileIsRefusedAtRegistrationAndAtPatchWithTheCompilersMessage() {
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		long agents = this.jdbc.sql("SELECT count(*) FROM agent").query(Long.class).single();
		ObjectNode document = TestHttp.JSON.createObjectNode()
			.put("name", "bad-condition")
			.put("owner", "owner@example.com")
			.put("generateKey", true);
		document.putArray("capabilities")
			.addObject()
			.put("scope", "github:create_pr")
			.put("riskLevel", "low")
			.put("condition", "request.cost <");
		HttpResponse<String> refused = this.http.send("POST", "/admin/v1/agents", admin, "application/json",
				document.toString());
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		// the CEL compiler's own message, with where it stopped
		assertThat(TestHttp.json(refused).get("detail").asString()).startsWith("capabilities[0].condition: ")
			.contains("mismatched input");
		assertThat(this.jdbc.sql("SELECT count(*) FROM agent").query(Long.class).single()).isEqualTo(agents);

		TestAgent agent = registerToolAgent("patched");
		HttpResponse<String> patch = this.http.send("PATCH", "/admin/v1/agents/" + agent.id(), admin,
				"application/merge-patch+json", """
						{"dataAccess": [{"resource": "crm.customers", "access": "read", "sensitivity": "internal",
						"condition": "1 + 2"}]}""");
		assertThat(patch.statusCode()).as(patch.body()).isEqualTo(400);
		assertThat(TestHttp.json(patch).get("detail").asString()).startsWith("dataAccess[0].condition:")
			.contains("expected type 'bool' but found 'int'");
		// a condition that compiles is kept, versioned, and shown as written
		HttpResponse<String> kept = this.http.send("PATCH", "/admin/v1/agents/" + agent.id(), admin,
				"application/merge-patch+json", """
						{"dataAccess": [{"resource": "crm.customers", "access": "read", "sensitivity": "internal",
						"condition": "request.cost == 0.0"}]}""");
		assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
		assertThat(TestHttp.json(kept).get("dataAccess").get(0).get("condition").asString())
			.isEqualTo("request.cost == 0.0");
	}

	private static String data(TestAgent agent, String token, String action, String customer) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id() + "\", \"properties\": {\"token\": \""
				+ token + "\"}}, \"action\": {\"name\": \"" + action
				+ "\"}, \"resource\": {\"type\": \"data\", \"id\": \"crm.customers\", \"properties\": {\"customer\": \""
				+ customer + "\"}}}";
	}

}
