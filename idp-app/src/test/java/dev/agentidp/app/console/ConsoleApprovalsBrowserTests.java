package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.Approver;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import dev.agentidp.registry.ClientKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approvers' queue in a real browser (issue 19, "Tests"): an agent asks at
 * {@code /oauth2/bc-authorize} (OpenID CIBA, poll mode, with RFC 9396 authorization
 * details), a person holding {@code approver:finance-lead} signs in, finds the request in
 * {@code /console/approvals} with its binding message and details, and approves it with a
 * comment; the agent's poll gets the token and the policy decision point allows the
 * approved call once. The owner of the agent, an approver too, is refused their own
 * agent's request (separation of duties) and told why; a denial is {@code access_denied}
 * at the poll. Screenshot {@code console-approvals.png} (under {@code target/}).
 */
class ConsoleApprovalsBrowserTests extends ConsoleBrowserTestSupport {

	private static final String CIBA = "urn:openid:params:grant-type:ciba";

	private static final String RS = "rs-approvals-browser";

	private static final String RS_SECRET = "approvals-browser-rs-secret-0123456789-abcdefgh";

	private static final String PAYMENTS = "https://mcp.example.com/payments";

	private static final String REFUND = "[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\","
			+ " \"target\": \"order-4711\", \"cost\": 120.50, \"arguments\": \"refund 120.50 EUR to the customer\"}]";

	private static final String PASSWORD = "approvals-browser-password-0123";

	@Autowired
	private People people;

	@Autowired
	private Approvals approvals;

	@BeforeEach
	void registerResourceServer() {
		if (this.clients.findClient(RS).isEmpty()) {
			this.clients.registerWithSecret(RS, "Tool gateway", ClientKind.RESOURCE_SERVER, RS_SECRET, Set.of());
		}
	}

	@Test
	void anApproverApprovesInTheQueueAndTheAgentIsAllowedTheApprovedCallOnce() throws Exception {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent agent = refundAgent(owner.email());
		String authReqId = ask(agent, "Refund order 4711");
		assertPollError(poll(agent, authReqId), "authorization_pending");

		Person approver = person(Set.of("approver:finance-lead"));
		this.browser.signIn(approver.username(), PASSWORD);
		// an approver and nothing else lands on the queue
		assertThat(this.browser.currentUrl()).endsWith("/console/approvals");
		WebElement request = request(agent);
		assertThat(request.findElement(By.className("binding-message")).getText()).isEqualTo("Refund order 4711");
		assertThat(request.findElement(By.className("approval-owner")).getText()).isEqualTo(owner.email());
		assertThat(request.findElement(By.className("approval-risk")).getText()).isEqualTo("critical");
		List<String> cells = request.findElements(By.cssSelector(".approval-details tbody td"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(cells).containsExactly("payments", "refund", "order-4711", "up to 120.5",
				"refund 120.50 EUR to the customer");
		assertThat(request.findElements(By.className("own-agent"))).isEmpty();
		request.findElement(By.className("comment")).sendKeys("Customer ticket 981, checked");
		// saved under target/; docs/console-approvals.png is a copy made by hand
		this.browser.screenshot("approvals");
		ConsoleBrowser.clickAndWait(this.browser.driver(), request.findElement(By.className("approve")));
		assertThat(this.browser.text("message")).startsWith("Approved the request");
		assertThat(this.browser.driver().findElements(By.cssSelector("[data-agent-id='" + agent.id() + "']")))
			.isEmpty();
		assertThat(this.jdbc
			.sql("SELECT actor || ' ' || (details->>'comment') FROM audit_record WHERE chain = ?"
					+ " AND action = 'approval.granted'")
			.param(agent.id())
			.query(String.class)
			.single()).isEqualTo("user:" + approver.email() + " Customer ticket 981, checked");

		// the agent polls, at the interval, and gets one token for what was approved
		JsonNode issued = pollUntilIssued(agent, authReqId);
		String token = issued.get("access_token").asString();
		JsonNode claims = TestHttp.claims(token);
		assertThat(claims.get("approval").get("approver").asString()).isEqualTo(approver.email());
		assertThat(claims.get("authorization_details").get(0).get("target").asString()).isEqualTo("order-4711");

		// the PDP: the approved call once, then approval_required again
		JsonNode allowed = evaluate(refund(agent, token));
		assertThat(allowed.get("decision").asBoolean()).as(allowed.toString()).isTrue();
		JsonNode again = evaluate(refund(agent, token));
		assertThat(again.get("decision").asBoolean()).as(again.toString()).isFalse();
		assertThat(again.get("context").get("code").asString()).isEqualTo("approval_required");
	}

	@Test
	void theOwnerOfTheAgentCannotApproveItsRequestAndIsToldWhy() {
		Person owner = person(Set.of(Person.OWNER, "approver:finance-lead"));
		TestAgent agent = refundAgent(owner.email());
		String authReqId = ask(agent, "Refund order 4711");
		this.browser.signIn(owner.username(), PASSWORD);
		this.browser.get("/console/approvals");
		WebElement request = request(agent);
		assertThat(request.findElement(By.className("own-agent")).getText()).contains("separation of duties");
		ConsoleBrowser.clickAndWait(this.browser.driver(), request.findElement(By.className("approve")));
		assertThat(this.browser.text("error-status")).isEqualTo("403 · Forbidden");
		assertThat(this.browser.text("error-message")).contains(owner.email() + " owns the agent",
				"separation of duties");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.decision.refused")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.granted")).isZero();
		assertPollError(poll(agent, authReqId), "authorization_pending");
	}

	@Test
	void anApproverDeniesAndThePollIsAccessDenied() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent agent = refundAgent(owner.email());
		String authReqId = ask(agent, "Refund order 4712");
		Person approver = person(Set.of("approver:finance-lead"));
		this.browser.signIn(approver.username(), PASSWORD);
		this.browser.get("/console/approvals");
		WebElement request = request(agent);
		request.findElement(By.className("comment")).sendKeys("Not this one");
		ConsoleBrowser.clickAndWait(this.browser.driver(), request.findElement(By.className("deny")));
		assertThat(this.browser.text("message")).startsWith("Denied the request");
		assertPollError(poll(agent, authReqId), "access_denied");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.denied")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued")).isZero();

		// decided once: a page opened before another approver decided answers 409, naming
		// why
		TestAgent second = refundAgent(owner.email());
		ask(second, "Refund order 4714");
		this.browser.get("/console/approvals");
		WebElement stale = request(second);
		ApprovalId id = ApprovalId.of(stale.getAttribute("data-approval-id"));
		this.approvals.decide(id, new Approver("cfo@example.com", Set.of("approver:finance-lead")),
				Approvals.Verdict.APPROVE, null);
		ConsoleBrowser.clickAndWait(this.browser.driver(), stale.findElement(By.className("deny")));
		assertThat(this.browser.text("error-status")).isEqualTo("409 · Conflict");
		assertThat(this.browser.text("error-message")).contains("approved already by cfo@example.com");
		assertThat(TestAssertions.auditCount(this.jdbc, second.id(), "approval.decision.refused")).isEqualTo(1);
	}

	@Test
	void anApproverOfAnotherRoleDoesNotSeeTheRequestAndAnAdminSeesItReadOnly() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent agent = refundAgent(owner.email());
		ask(agent, "Refund order 4713");
		Person sre = person(Set.of("approver:sre"));
		this.browser.signIn(sre.username(), PASSWORD);
		this.browser.get("/console/approvals");
		assertThat(this.browser.driver().findElements(By.cssSelector("[data-agent-id='" + agent.id() + "']")))
			.isEmpty();
		this.browser.byId("sign-out").click();
		this.browser.signIn("admin", ADMIN_PASSWORD);
		this.browser.byId("nav-approvals").click();
		WebElement request = request(agent);
		assertThat(this.browser.has("read-only")).isTrue();
		assertThat(request.findElements(By.className("approve"))).isEmpty();
	}

	@Test
	void theQueueRefusesOverPlainHttpWhatItMustAndEscapesWhatTheAgentWrote() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent agent = refundAgent(owner.email());
		ask(agent, "<b>Refund</b> & more");
		// an owner who is no approver: the 403 page, audited
		ConsoleSession owners = new ConsoleSession(this.port);
		owners.signIn(owner.username(), PASSWORD);
		assertThat(owners.get("/console/approvals").statusCode()).isEqualTo(403);
		assertThat(TestAssertions.auditCount(this.jdbc, "console.denied")).isPositive();

		Person approver = person(Set.of("approver:finance-lead"));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(approver.username(), PASSWORD);
		assertThat(session.get("/console").headers().firstValue("Location").orElse("")).endsWith("/console/approvals");
		HttpResponse<String> page = session.get("/console/approvals");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("&lt;b&gt;Refund&lt;/b&gt; &amp; more").doesNotContain("<b>Refund");
		// an approver sees no other page, and no link to one
		assertThat(session.get("/console/tokens").statusCode()).isEqualTo(403);
		assertThat(page.body()).contains("id=\"nav-approvals\"")
			.doesNotContain("id=\"nav-agents\"")
			.doesNotContain("id=\"nav-tokens\"");
		String id = page.body().replaceAll("(?s).*data-approval-id=\"([^\"]+)\".*", "$1");
		assertThat(session.post("/console/approvals/" + id, Map.of("verdict", "approve"), false).statusCode())
			.isEqualTo(403);
		session.get("/console/approvals");
		HttpResponse<String> badVerdict = session.post("/console/approvals/" + id, Map.of("verdict", "maybe"), true);
		assertThat(badVerdict.statusCode()).isEqualTo(400);
		assertThat(badVerdict.body()).contains("verdict: must be approve or deny");
		HttpResponse<String> badId = session.post("/console/approvals/not-a-uuid", Map.of("verdict", "approve"), true);
		assertThat(badId.statusCode()).isEqualTo(400);
		assertThat(badId.body()).contains("id: must be an approval request id");
		HttpResponse<String> unknown = session.post("/console/approvals/" + UUID.randomUUID(),
				Map.of("verdict", "approve"), true);
		assertThat(unknown.statusCode()).isEqualTo(404);
		HttpResponse<String> longComment = session.post("/console/approvals/" + id,
				Map.of("verdict", "approve", "comment", "x".repeat(1025)), true);
		assertThat(longComment.statusCode()).isEqualTo(400);
		assertThat(longComment.body()).contains("comment: must be at most 1024 characters");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.granted")).isZero();
		assertThat(session.post("/console/approvals/" + id, Map.of("verdict", "approve"), true).statusCode())
			.isEqualTo(302);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.granted")).isEqualTo(1);
	}

	private TestAgent refundAgent(String owner) {
		return new TestAgents(http(), admin().token(), http().baseUrl()).document("approve")
			.scope("payments:refund", "critical")
			.tool("payments", PAYMENTS, "refund")
			.edit((document) -> {
				document.put("owner", owner);
				ObjectNode oversight = document.putObject("humanOversight");
				oversight.putArray("requiredFor").add("payments:refund");
				oversight.putArray("approvers").add("finance-lead");
			})
			.register();
	}

	private String ask(TestAgent agent, String bindingMessage) {
		Map<String, String> form = agent.authForm();
		form.put("scope", "payments:refund");
		form.put("binding_message", bindingMessage);
		form.put("authorization_details", REFUND);
		HttpResponse<String> response = http().postForm("/oauth2/bc-authorize", form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response).get("auth_req_id").asString();
	}

	private HttpResponse<String> poll(TestAgent agent, String authReqId) {
		Map<String, String> form = agent.authForm();
		form.put("grant_type", CIBA);
		form.put("auth_req_id", authReqId);
		return http().postForm("/oauth2/token", form);
	}

	/** Polls as CIBA §7.3 asks: no faster than the interval, slower after slow_down. */
	private JsonNode pollUntilIssued(TestAgent agent, String authReqId) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(30);
		while (true) {
			HttpResponse<String> response = poll(agent, authReqId);
			if (response.statusCode() == 200) {
				return TestHttp.json(response);
			}
			String error = TestHttp.json(response).get("error").asString();
			assertThat(error).as(response.body()).isIn("authorization_pending", "slow_down");
			assertThat(Instant.now()).as("no token within 30 s").isBefore(deadline);
			Thread.sleep(5_100);
		}
	}

	private static void assertPollError(HttpResponse<String> response, String error) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error").asString()).as(response.body()).isEqualTo(error);
	}

	private JsonNode evaluate(String body) {
		HttpResponse<String> response = http().post("/access/v1/evaluation", RS, RS_SECRET, "application/json", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	private static String refund(TestAgent agent, String token) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id() + "\", \"properties\": {\"token\": \""
				+ token + "\"}}, \"action\": {\"name\": \"refund\"}, \"resource\": {\"type\": \"tool\","
				+ " \"id\": \"payments\", \"properties\": {\"target\": \"order-4711\"}}, \"context\": {\"cost\": 100}}";
	}

	private WebElement request(TestAgent agent) {
		return this.browser.driver().findElement(By.cssSelector("section[data-agent-id='" + agent.id() + "']"));
	}

	private Person person(Set<String> roles) {
		String name = "a-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

}
