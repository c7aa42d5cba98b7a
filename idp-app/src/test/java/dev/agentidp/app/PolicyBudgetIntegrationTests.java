package dev.agentidp.app;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget through HTTP, declared in the root agent's {@code tokenPolicy.budget}:
 * allowed calls with a cost are debited from the task's ledger, shared with sub-agents;
 * beyond it calls are {@code budget_exhausted}, past the reserve expensive or risky ones
 * {@code budget_reserved}; malformed requests debit nothing; the admin API shows the
 * ledger and the decisions.
 */
class PolicyBudgetIntegrationTests extends PolicyTestSupport {

	@Test
	void allowedCostsAreDebitedFromTheTasksLedgerUntilItIsSpent() {
		TestAgent agent = registerToolAgent("budgeted", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr github:merge", Map.of("task", "release-1"), GITHUB);
		JsonNode first = evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.6}"));
		assertThat(first.get("decision").asBoolean()).isTrue();
		JsonNode budget = first.get("context").get("budget");
		assertThat(budget.get("unit").asString()).isEqualTo("usd");
		assertThat(budget.get("limit").decimalValue()).isEqualByComparingTo("1.00");
		assertThat(budget.get("spent").decimalValue()).isEqualByComparingTo("0.6");
		assertThat(budget.get("remaining").decimalValue()).isEqualByComparingTo("0.4");
		JsonNode exhausted = evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.45}"));
		assertThat(exhausted.get("decision").asBoolean()).isFalse();
		assertThat(exhausted.get("context").get("code").asString()).isEqualTo("budget_exhausted");
		assertThat(exhausted.get("context").get("budget").get("spent").decimalValue()).isEqualByComparingTo("0.6");
		// a sub-agent's calls on the same task spend from the same ledger
		String[] child = exchange(agent, token, "helper", "github:create_pr");
		assertThat(evaluate(evaluation(child[0], child[1], "tool", "github", "create_pr", "{\"cost\": 0.3}"))
			.get("context")
			.get("budget")
			.get("spent")
			.decimalValue()).isEqualByComparingTo("0.9");
		// the reserve (0.9 of 1.00) is reached: a high-risk capability is refused even at
		// no
		// cost, a cheap low-risk call still runs
		JsonNode reserved = evaluate(evaluation(agent.id(), token, "tool", "github", "merge", null));
		assertThat(reserved.get("context").get("code").asString()).isEqualTo("budget_reserved");
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.05}"))
			.get("decision")
			.asBoolean()).isTrue();
		HttpResponse<String> ledger = this.http.get("/admin/v1/budgets/" + agent.id() + "/release-1", adminToken());
		assertThat(ledger.statusCode()).as(ledger.body()).isEqualTo(200);
		assertThat(TestHttp.json(ledger).get("spent").decimalValue()).isEqualByComparingTo("0.95");
		assertThat(TestHttp.json(ledger).get("remaining").decimalValue()).isEqualByComparingTo("0.05");
		assertThat(this.http.get("/admin/v1/budgets/" + agent.id() + "/no-such-task", adminToken()).statusCode())
			.isEqualTo(404);
		assertThat(this.http.get("/admin/v1/budgets/not-a-uuid/release-1", adminToken()).statusCode()).isEqualTo(400);
	}

	@Test
	void aBudgetsAmountsMayBeWrittenAsIntegersButNotAsStrings() {
		TestAgent agent = registerToolAgent("integer-budget",
				(document) -> ((ObjectNode) document.get("tokenPolicy")).putObject("budget")
					.put("unit", "usd")
					.put("perTask", 2)
					.put("reserveAbove", 1)
					.put("highCost", 1));
		HttpResponse<String> read = this.http.get("/admin/v1/agents/" + agent.id(), admin().token());
		assertThat(TestHttp.json(read).at("/tokenPolicy/budget/perTask").decimalValue()).isEqualByComparingTo("2");
		HttpResponse<String> refused = new TestAgents(this.http, admin().token(), this.http.baseUrl())
			.document("string-budget")
			.scope("github:create_pr", "low")
			.tokenPolicy((policy) -> policy.putObject("budget").put("unit", "usd").put("perTask", "2"))
			.post();
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(refused).get("detail").asString())
			.isEqualTo("tokenPolicy.budget.perTask: must be a number");
	}

	@Test
	void malformedCostsDebitNothing() {
		TestAgent agent = registerToolAgent("budgeted", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr", Map.of("task", "t-bad"), GITHUB);
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.25}"))
			.get("decision")
			.asBoolean()).isTrue();
		for (String context : new String[] { "{\"cost\": -0.25}", "{\"cost\": \"0.25\"}", "{\"cost\": 1e13}",
				"{\"cost\": 0.25, \"currency\": \"eur\"}" }) {
			HttpResponse<String> response = post("/access/v1/evaluation",
					evaluation(agent.id(), token, "tool", "github", "create_pr", context));
			assertThat(response.statusCode()).as(context).isEqualTo(400);
		}
		assertThat(this.jdbc.sql("SELECT spent FROM budget_ledger WHERE root_agent_id = ?::uuid")
			.param(agent.id())
			.query(BigDecimal.class)
			.single()).isEqualByComparingTo("0.25");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(1);
	}

	@Test
	void theAdminApiPagesAnAgentsDecisions() {
		TestAgent agent = registerToolAgent("budgeted", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr", GITHUB);
		for (int i = 0; i < 3; i++) {
			evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", null));
		}
		String reader = this.http.token("idp-admin", ADMIN_SECRET, "idp:audit:read");
		HttpResponse<String> page = this.http.get("/admin/v1/agents/" + agent.id() + "/decisions?limit=2", reader);
		assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(page);
		assertThat(body.get("items").size()).isEqualTo(2);
		assertThat(body.get("items").get(0).get("action").asString()).isEqualTo("access.evaluated");
		assertThat(body.get("items").get(0).get("details").get("code").asString()).isEqualTo("allowed");
		String cursor = body.get("nextCursor").asString();
		JsonNode rest = TestHttp.json(this.http
			.get("/admin/v1/agents/" + agent.id() + "/decisions?limit=2&cursor=" + TestHttp.enc(cursor), reader));
		assertThat(rest.get("items").size()).isEqualTo(1);
		assertThat(rest.get("nextCursor").isNull()).isTrue();
		assertThat(this.http.get("/admin/v1/agents/" + agent.id() + "/decisions?limit=0", reader).statusCode())
			.isEqualTo(400);
		// an agent's own token carries no authority on the admin API
		assertThat(this.http.get("/admin/v1/agents/" + agent.id() + "/decisions", token).statusCode()).isEqualTo(403);
	}

	private String adminToken() {
		return this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
	}

	/**
	 * A budget of 1.00 usd per task (reserve from 0.9, high cost from 0.5), in the
	 * document's {@code tokenPolicy.budget}; its sub-agents spend from it.
	 */
	static void budget(ObjectNode document) {
		((ObjectNode) document.get("tokenPolicy")).putObject("budget")
			.put("unit", "usd")
			.put("perTask", new BigDecimal("1.00"))
			.put("reserveAbove", new BigDecimal("0.9"))
			.put("highCost", new BigDecimal("0.5"));
	}

}
