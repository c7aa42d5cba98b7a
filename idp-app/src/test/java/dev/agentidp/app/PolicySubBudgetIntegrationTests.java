package dev.agentidp.app;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sub-budgets through HTTP (issue 16): a token exchange with {@code budget=<amount>}
 * carves part of what the subject token may spend for the sub-agent; the sub-agent's
 * spending counts against the carve and the task's budget, the parent's against the
 * task's only; a carve that does not fit, a malformed amount or a root without a budget
 * is {@code invalid_request}, audited, and stores nothing.
 */
class PolicySubBudgetIntegrationTests extends PolicyTestSupport {

	@Test
	void theSubAgentsSpendingCountsAgainstItsSubBudgetAndTheTasksAndTheParentsOnlyAgainstTheTasks() {
		TestAgent agent = registerToolAgent("carver", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr", Map.of("task", "carve-1"), GITHUB);
		HttpResponse<String> exchanged = this.http.postForm("/oauth2/token", null, null,
				exchangeForm(agent, token, "helper", "0.30"));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String child = TestHttp.json(exchanged).get("access_token").asString();
		String childId = TestHttp.json(exchanged).get("sub_agent_id").asString();
		String childJti = TestHttp.claims(child).get("jti").asString();
		Map<String, Object> carve = this.jdbc
			.sql("SELECT parent_jti, root_agent_id::text AS root, ledger_key, unit, limit_amount, spent"
					+ " FROM budget_carve WHERE jti = ?")
			.param(childJti)
			.query()
			.singleRow();
		assertThat(carve.get("parent_jti")).isEqualTo(TestHttp.claims(token).get("jti").asString());
		assertThat(carve.get("root")).isEqualTo(agent.id());
		assertThat(carve.get("ledger_key")).isEqualTo("task:carve-1");
		assertThat(carve.get("unit")).isEqualTo("usd");
		assertThat((BigDecimal) carve.get("limit_amount")).isEqualByComparingTo("0.30");
		assertThat(this.jdbc
			.sql("SELECT details->>'budget' FROM audit_record WHERE chain = ?" + " AND action = 'token.exchanged'")
			.param(agent.id())
			.query(String.class)
			.single()).isEqualTo("0.3");

		// the sub-agent spends from both; the decision reports the tightest, its carve
		JsonNode first = evaluate(evaluation(childId, child, "tool", "github", "create_pr", "{\"cost\": 0.2}"));
		assertThat(first.get("decision").asBoolean()).as(first.toString()).isTrue();
		assertThat(first.get("context").get("budget").get("limit").decimalValue()).isEqualByComparingTo("0.30");
		assertThat(first.get("context").get("budget").get("remaining").decimalValue()).isEqualByComparingTo("0.10");
		assertThat(spent("task:carve-1", agent)).isEqualByComparingTo("0.2");
		assertThat(carveSpent(childJti)).isEqualByComparingTo("0.2");

		// its carve refuses while the task's budget still has 0.80
		JsonNode refused = evaluate(evaluation(childId, child, "tool", "github", "create_pr", "{\"cost\": 0.15}"));
		assertThat(refused.get("decision").asBoolean()).isFalse();
		assertThat(refused.get("context").get("code").asString()).isEqualTo("budget_exhausted");
		assertThat(refused.get("context").get("reason_admin").get("en").asString())
			.contains("sub-budget of 0.30 carved for token " + childJti);
		assertThat(spent("task:carve-1", agent)).isEqualByComparingTo("0.2");
		assertThat(carveSpent(childJti)).isEqualByComparingTo("0.2");

		// the parent spends from the task's budget only
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.5}"))
			.get("decision")
			.asBoolean()).isTrue();
		assertThat(spent("task:carve-1", agent)).isEqualByComparingTo("0.7");
		assertThat(carveSpent(childJti)).isEqualByComparingTo("0.2");
		assertThat(
				evaluate(evaluation(childId, child, "tool", "github", "create_pr", "{\"cost\": 0.1}")).get("decision")
					.asBoolean())
			.isTrue();
		assertThat(spent("task:carve-1", agent)).isEqualByComparingTo("0.8");
		assertThat(carveSpent(childJti)).isEqualByComparingTo("0.3");

		// a second carve must fit in what the task has left (0.20)
		HttpResponse<String> tooMuch = assertRefused(agent, exchangeForm(agent, token, "helper-2", "0.25"));
		assertThat(TestHttp.json(tooMuch).get("error_description").asString())
			.matches("budget 0\\.25 usd is above the 0\\.20* left of the task's budget of 1(\\.0+)?");
		assertThat(this.http.postForm("/oauth2/token", null, null, exchangeForm(agent, token, "helper-2", "0.2"))
			.statusCode()).isEqualTo(200);
	}

	@Test
	void aSubAgentCarvesForItsOwnSubAgentOnlyWithinItsSubBudget() {
		TestAgent agent = registerToolAgent("carver", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr", Map.of("task", "carve-4"), GITHUB);
		OctetKeyPair childKey = TestAgent.newKey();
		Map<String, String> form = exchangeForm(agent, token, "helper", "0.30");
		form.put("sub_agent_jwk", childKey.toPublicJWK().toJSONString());
		HttpResponse<String> exchanged = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		TestAgent child = new TestAgent(TestHttp.json(exchanged).get("sub_agent_id").asString(), childKey,
				this.http.baseUrl());
		String childToken = TestHttp.json(exchanged).get("access_token").asString();
		// the child's token is bound to its key: the exchange carries a proof of it
		String proof = TestAgent.dpopProof(childKey, "POST", this.http.baseUrl() + "/oauth2/token");
		long carves = TestAssertions.rows(this.jdbc, "budget_carve");
		HttpResponse<String> tooMuch = this.http.postFormWithProof("/oauth2/token",
				exchangeForm(child, childToken, "grandchild", "0.31"), proof);
		assertThat(tooMuch.statusCode()).as(tooMuch.body()).isEqualTo(400);
		assertThat(TestHttp.json(tooMuch).get("error_description").asString())
			.isEqualTo("budget 0.31 usd is above the 0.30 left of the subject token's sub-budget of 0.30");
		assertThat(TestAssertions.rows(this.jdbc, "budget_carve")).isEqualTo(carves);
		HttpResponse<String> fits = this.http.postFormWithProof("/oauth2/token",
				exchangeForm(child, childToken, "grandchild", "0.30"),
				TestAgent.dpopProof(childKey, "POST", this.http.baseUrl() + "/oauth2/token"));
		assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
		String grandchildJti = TestHttp.claims(TestHttp.json(fits).get("access_token").asString())
			.get("jti")
			.asString();
		assertThat(this.jdbc.sql("SELECT parent_jti FROM budget_carve WHERE jti = ?")
			.param(grandchildJti)
			.query(String.class)
			.single()).isEqualTo(TestHttp.claims(childToken).get("jti").asString());
	}

	@Test
	void aMalformedOrRepeatedBudgetIsInvalidRequestAndStoresNothing() {
		TestAgent agent = registerToolAgent("carver", PolicyBudgetIntegrationTests::budget);
		String token = token(agent, "github:create_pr", Map.of("task", "carve-2"), GITHUB);
		long carves = TestAssertions.rows(this.jdbc, "budget_carve");
		for (String amount : List.of("-1", "0", "0.0", "NaN", "Infinity", "abc", "1e13", "1e3", "10000000000000",
				"1000000000000.5", " 1", "1,5", "0x10", "+1", "1.0000000000000000001")) {
			HttpResponse<String> response = assertRefused(agent, exchangeForm(agent, token, "helper", amount));
			assertThat(TestHttp.json(response).get("error_description").asString()).as(amount)
				.startsWith("budget must be a decimal amount above 0");
		}
		Map<String, String> form = exchangeForm(agent, token, "helper", "0.1");
		long tokens = TestAssertions.rows(this.jdbc, "issued_token");
		HttpResponse<String> repeated = this.http.post("/oauth2/token", null, null, "application/x-www-form-urlencoded",
				TestHttp.encode(form) + "&budget=0.2");
		assertThat(repeated.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(repeated).get("error").asString()).isEqualTo("invalid_request");
		assertThat(TestHttp.json(repeated).get("error_description").asString()).contains("budget must not be repeated");
		assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(tokens);
		assertThat(TestAssertions.rows(this.jdbc, "budget_carve")).isEqualTo(carves);
		// above the whole budget, well-formed
		HttpResponse<String> above = assertRefused(agent, exchangeForm(agent, token, "helper", "1.01"));
		assertThat(TestHttp.json(above).get("error_description").asString()).matches(".*above the 1(\\.0+)? left.*");
	}

	@Test
	void aBudgetParameterWithoutADocumentBudgetIsInvalidRequest() {
		TestAgent agent = registerToolAgent("plain");
		String token = token(agent, "github:create_pr", Map.of("task", "carve-3"), GITHUB);
		long carves = TestAssertions.rows(this.jdbc, "budget_carve");
		HttpResponse<String> response = assertRefused(agent, exchangeForm(agent, token, "helper", "1"));
		assertThat(TestHttp.json(response).get("error_description").asString())
			.isEqualTo("budget cannot be carved: the root agent's document has no tokenPolicy.budget");
		// an empty value counts as omitted (RFC 6749 §3.1)
		assertThat(
				this.http.postForm("/oauth2/token", null, null, exchangeForm(agent, token, "helper", "")).statusCode())
			.isEqualTo(200);
		assertThat(TestAssertions.rows(this.jdbc, "budget_carve")).isEqualTo(carves);
	}

	private Map<String, String> exchangeForm(TestAgent parent, String subjectToken, String subAgent, String budget) {
		Map<String, String> form = parent.form("EdDSA", "github:create_pr");
		form.put("grant_type", EXCHANGE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", ACCESS_TOKEN);
		form.put("sub_agent", subAgent);
		form.put("budget", budget);
		return form;
	}

	/** Refused with invalid_request, audited as token.denied, nothing stored. */
	private HttpResponse<String> assertRefused(TestAgent caller, Map<String, String> form) {
		long tokens = TestAssertions.rows(this.jdbc, "issued_token");
		long agents = TestAssertions.rows(this.jdbc, "agent");
		long carves = TestAssertions.rows(this.jdbc, "budget_carve");
		long denials = TestAssertions.auditCount(this.jdbc, caller.id(), "token.denied");
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error").asString()).as(response.body()).isEqualTo("invalid_request");
		assertThat(response.body()).doesNotContain("Exception");
		assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(tokens);
		assertThat(TestAssertions.rows(this.jdbc, "agent")).isEqualTo(agents);
		assertThat(TestAssertions.rows(this.jdbc, "budget_carve")).isEqualTo(carves);
		assertThat(TestAssertions.auditCount(this.jdbc, caller.id(), "token.denied")).isEqualTo(denials + 1);
		return response;
	}

	private BigDecimal spent(String key, TestAgent agent) {
		return this.jdbc.sql("SELECT spent FROM budget_ledger WHERE root_agent_id = ?::uuid AND ledger_key = ?")
			.params(agent.id(), key)
			.query(BigDecimal.class)
			.single();
	}

	private BigDecimal carveSpent(String jti) {
		return this.jdbc.sql("SELECT spent FROM budget_carve WHERE jti = ?")
			.param(jti)
			.query(BigDecimal.class)
			.single();
	}

}
