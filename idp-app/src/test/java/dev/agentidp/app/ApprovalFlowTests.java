package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.approvals.ApprovalDecisionException;
import dev.agentidp.approvals.ApprovalFilter;
import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.ApprovalRequest;
import dev.agentidp.approvals.ApprovalStatus;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.Approver;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 19: human approvals by OpenID CIBA (poll mode) with RFC 9396 authorization
 * details, on real PostgreSQL and without the browser: the agent asks at
 * {@code /oauth2/bc-authorize}, a person decides through the {@link Approvals} facade (as
 * the console will), the agent polls the token endpoint and gets one token for exactly
 * what was approved.
 */
class ApprovalFlowTests extends PolicyTestSupport {

	static final String CIBA = "urn:openid:params:grant-type:ciba";

	static final String REFUND = "[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\","
			+ " \"target\": \"order-4711\", \"cost\": 120.50, \"arguments\": \"refund 120.50 EUR to the customer\"}]";

	static final Approver FINANCE = new Approver("lead@example.com", Set.of("approver:finance-lead"));

	@Autowired
	Approvals approvals;

	@Autowired
	People people;

	JsonNode ask(TestAgent agent, Map<String, String> parameters) {
		HttpResponse<String> response = askFor(agent, parameters);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	HttpResponse<String> askFor(TestAgent agent, Map<String, String> parameters) {
		Map<String, String> form = agent.authForm();
		form.putAll(parameters);
		return this.http.postForm("/oauth2/bc-authorize", form);
	}

	HttpResponse<String> poll(TestAgent agent, String authReqId) {
		Map<String, String> form = agent.authForm();
		form.put("grant_type", CIBA);
		form.put("auth_req_id", authReqId);
		return this.http.postForm("/oauth2/token", form);
	}

	static void assertError(HttpResponse<String> response, int status, String error, String description) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(TestHttp.json(response).get("error").asString()).as(response.body()).isEqualTo(error);
		assertThat(TestHttp.json(response).get("error_description").asString()).contains(description);
	}

	ApprovalId only(TestAgent agent) {
		return this.approvals.pending(new ApprovalFilter(null, dev.agentidp.registry.AgentId.of(agent.id())), null, 10)
			.items()
			.get(0)
			.id();
	}

	@Test
	void anApprovedRequestIsIssuedOnceWithExactlyTheApprovedDetails() {
		TestAgent agent = registerToolAgent("approved");
		JsonNode started = ask(agent, Map.of("scope", "payments:refund", "binding_message", "Refund order 4711",
				"authorization_details", REFUND));
		String authReqId = started.get("auth_req_id").asString();
		assertThat(authReqId).hasSizeGreaterThanOrEqualTo(22);
		assertThat(started.get("expires_in").asInt()).isEqualTo(300);
		assertThat(started.get("interval").asInt()).isEqualTo(5);
		// stored hashed, never in clear
		assertThat(this.jdbc.sql("SELECT count(*) FROM approval_request WHERE encode(auth_req_hash, 'escape') LIKE ?")
			.param("%" + authReqId + "%")
			.query(Long.class)
			.single()).isZero();
		assertError(poll(agent, authReqId), 400, "authorization_pending", "not decided");

		ApprovalRequest queued = this.approvals.pending(ApprovalFilter.PENDING, null, 500)
			.items()
			.stream()
			.filter((request) -> request.agentId().toString().equals(agent.id()))
			.findFirst()
			.orElseThrow();
		assertThat(queued.bindingMessage()).isEqualTo("Refund order 4711");
		assertThat(queued.details()).singleElement().satisfies((detail) -> {
			assertThat(detail.target()).isEqualTo("order-4711");
			assertThat(detail.cost()).isEqualByComparingTo("120.5");
		});
		ApprovalRequest decided = this.approvals.decide(queued.id(), FINANCE, Approvals.Verdict.APPROVE, "ok");
		assertThat(decided.status()).isEqualTo(ApprovalStatus.APPROVED);

		HttpResponse<String> issued = poll(agent, authReqId);
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(issued);
		assertThat(body.get("expires_in").asInt()).isBetween(290, 300);
		JsonNode claims = TestHttp.claims(body.get("access_token").asString());
		assertThat(claims.get("scope").asString()).isEqualTo("payments:refund");
		assertThat(claims.get("aud").get(0).asString()).isEqualTo(PAYMENTS);
		assertThat(claims.get("authorization_details").size()).isEqualTo(1);
		assertThat(claims.get("authorization_details").get(0).get("target").asString()).isEqualTo("order-4711");
		assertThat(claims.get("authorization_details").get(0).get("cost").asString()).isEqualTo("120.5");
		assertThat(claims.get("approval").get("id").asString()).isEqualTo(queued.id().toString());
		assertThat(claims.get("approval").get("approver").asString()).isEqualTo("lead@example.com");
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isLessThanOrEqualTo(300);
		// the token is the store's: introspection knows it
		HttpResponse<String> introspected = this.http.postForm("/oauth2/introspect", RS, RS_SECRET,
				Map.of("token", body.get("access_token").asString()));
		assertThat(TestHttp.json(introspected).get("active").asBoolean()).isTrue();

		String token = body.get("access_token").asString();
		// the PDP: another target, or a cost above the approved, is not covered
		assertDenied(refund(agent, token, "order-9999", "100"), "approval_required", "do not cover");
		assertDenied(refund(agent, token, "order-4711", "121"), "approval_required", "do not cover");
		// covered: allowed once, then approval_required again
		JsonNode allowed = evaluate(refund(agent, token, "order-4711", "100"));
		assertThat(allowed.get("decision").asBoolean()).as(allowed.toString()).isTrue();
		assertDenied(refund(agent, token, "order-4711", "100"), "approval_required", "used already");
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'"
					+ " AND decision = 'allow' AND details->>'approvalId' = ?")
			.params(agent.id(), queued.id().toString())
			.query(Long.class)
			.single()).isEqualTo(1);

		// single use
		assertError(poll(agent, authReqId), 400, "invalid_grant", "used already");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.requested")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.granted")).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'approval.granted'")
			.param(agent.id())
			.query(String.class)
			.single()).isEqualTo("user:lead@example.com");
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.issued'"
					+ " AND details->>'approval_id' = ?")
			.params(agent.id(), queued.id().toString())
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	static String refund(TestAgent agent, String token, String target, String cost) {
		return refund(agent.id(), token, target, cost);
	}

	static String refund(String agentId, String token, String target, String cost) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agentId + "\", \"properties\": {\"token\": \"" + token
				+ "\"}}, \"action\": {\"name\": \"refund\"}, \"resource\": {\"type\": \"tool\","
				+ " \"id\": \"payments\", \"properties\": {\"target\": \"" + target + "\"}}, \"context\": {\"cost\": "
				+ cost + "}}";
	}

	void assertDenied(String body, String code, String reason) {
		JsonNode decision = evaluate(body);
		assertThat(decision.get("decision").asBoolean()).as(decision.toString()).isFalse();
		assertThat(decision.get("context").get("code").asString()).isEqualTo(code);
		assertThat(decision.get("context").toString()).contains(reason);
	}

	@Test
	void aSubAgentReceivesAnApprovedActionOnlyByExchangeAndNeverWider() {
		TestAgent agent = registerToolAgent("delegating",
				(document) -> ((tools.jackson.databind.node.ObjectNode) document.get("tokenPolicy"))
					.put("approvedTokenTtlSeconds", 60));
		String authReqId = ask(agent, Map.of("authorization_details", REFUND)).get("auth_req_id").asString();
		this.approvals.decide(only(agent), FINANCE, Approvals.Verdict.APPROVE, null);
		String approved = TestHttp.json(poll(agent, authReqId)).get("access_token").asString();
		// tokenPolicy.approvedTokenTtlSeconds
		assertThat(TestHttp.claims(approved).get("exp").asLong() - TestHttp.claims(approved).get("iat").asLong())
			.isEqualTo(60);
		// wider than approved: any target
		Map<String, String> wider = agent.exchangeForm(approved, "refunder", "payments:refund");
		wider.put("authorization_details",
				"[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\"}]");
		assertError(this.http.postForm("/oauth2/token", wider), 400, "invalid_authorization_details",
				"wider than the subject token's");
		// narrower: a lower cost on the same target
		Map<String, String> narrower = agent.exchangeForm(approved, "refunder", "payments:refund");
		narrower.put("authorization_details", "[{\"type\": \"tool_call\", \"tool\": \"payments\","
				+ " \"action\": \"refund\", \"target\": \"order-4711\", \"cost\": 50}]");
		HttpResponse<String> exchanged = this.http.postForm("/oauth2/token", narrower);
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(exchanged);
		JsonNode claims = TestHttp.claims(body.get("access_token").asString());
		assertThat(claims.get("authorization_details").get(0).get("cost").asString()).isEqualTo("50");
		assertThat(claims.get("approval").get("id").asString())
			.isEqualTo(TestHttp.claims(approved).get("approval").get("id").asString());
		// the sub-agent's call uses the one approval: above its cost it is not covered
		String subAgent = body.get("sub_agent_id").asString();
		String child = body.get("access_token").asString();
		assertDenied(refund(subAgent, child, "order-4711", "60"), "approval_required", "do not cover");
		assertThat(evaluate(refund(subAgent, child, "order-4711", "50")).get("decision").asBoolean()).isTrue();
		// and once used, by the sub-agent, the parent's approved token has none left
		assertDenied(refund(agent.id(), approved, "order-4711", "50"), "approval_required", "used already");
		// a token without approval passes no payments:refund on
		String plain = token(agent, "github:create_pr", GITHUB);
		assertError(this.http.postForm("/oauth2/token", agent.exchangeForm(plain, "refunder", "payments:refund")), 400,
				"invalid_scope", "");
	}

	@Test
	void aDeniedRequestIsAccessDeniedAndIssuesNothing() {
		TestAgent agent = registerToolAgent("denied");
		String authReqId = ask(agent, Map.of("authorization_details", REFUND)).get("auth_req_id").asString();
		this.approvals.decide(only(agent), FINANCE, Approvals.Verdict.DENY, "not this one");
		assertError(poll(agent, authReqId), 400, "access_denied", "denied");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.denied")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued")).isZero();
	}

	@Test
	void anExpiredRequestIsExpiredTokenAndCannotBeDecided() throws InterruptedException {
		TestAgent agent = registerToolAgent("expired");
		String authReqId = ask(agent, Map.of("authorization_details", REFUND, "requested_expiry", "1"))
			.get("auth_req_id")
			.asString();
		Thread.sleep(1_200);
		assertError(poll(agent, authReqId), 400, "expired_token", "expired");
		assertThatExceptionOfType(ApprovalDecisionException.class)
			.isThrownBy(() -> this.approvals.decide(only(agent), FINANCE, Approvals.Verdict.APPROVE, null))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ApprovalDecisionException.Reason.EXPIRED));
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.expired")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued")).isZero();
	}

	@Test
	void pollingFasterThanTheIntervalIsSlowDown() {
		TestAgent agent = registerToolAgent("slow");
		String authReqId = ask(agent, Map.of("authorization_details", REFUND)).get("auth_req_id").asString();
		assertError(poll(agent, authReqId), 400, "authorization_pending", "not decided");
		assertError(poll(agent, authReqId), 400, "slow_down", "interval of 5 s");
	}

	@Test
	void onlyAnEntitledPersonOtherThanTheOwnerDecidesAndOnlyOnce() {
		TestAgent agent = registerToolAgent("duties");
		ask(agent, Map.of("authorization_details", REFUND));
		ApprovalId id = only(agent);
		assertThatExceptionOfType(ApprovalDecisionException.class)
			.isThrownBy(
					() -> this.approvals.decide(id, new Approver("owner@example.com", Set.of("approver:finance-lead")),
							Approvals.Verdict.APPROVE, null))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ApprovalDecisionException.Reason.OWN_AGENT));
		assertThatExceptionOfType(ApprovalDecisionException.class)
			.isThrownBy(() -> this.approvals.decide(id, new Approver("dev@example.com", Set.of("approver:sre")),
					Approvals.Verdict.APPROVE, null))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ApprovalDecisionException.Reason.NOT_ENTITLED));
		this.approvals.decide(id, FINANCE, Approvals.Verdict.APPROVE, null);
		assertThatExceptionOfType(ApprovalDecisionException.class)
			.isThrownBy(() -> this.approvals.decide(id, FINANCE, Approvals.Verdict.DENY, null))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ApprovalDecisionException.Reason.ALREADY_DECIDED));
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "approval.decision.refused")).isEqualTo(3);
	}

	@Test
	void aLoginHintNarrowsWhoMayDecide() {
		TestAgent agent = registerToolAgent("hinted");
		Person cfo = person("cfo", Set.of("approver:finance-lead"));
		// the address as the agent wrote it: e-mail addresses compare without regard to
		// case
		ask(agent, Map.of("authorization_details", REFUND, "login_hint", cfo.email().toUpperCase(Locale.ROOT)));
		ApprovalId id = only(agent);
		assertThatExceptionOfType(ApprovalDecisionException.class)
			.isThrownBy(() -> this.approvals.decide(id, FINANCE, Approvals.Verdict.APPROVE, null))
			.withMessageContaining(cfo.email().toUpperCase(Locale.ROOT));
		this.approvals.decide(id, new Approver(cfo.email(), cfo.roles()), Approvals.Verdict.APPROVE, null);
	}

	/**
	 * CIBA Core 1.0 §13: a {@code login_hint} naming someone who could never decide is
	 * {@code unknown_user_id} at once, with one answer for an unknown address, a person
	 * without the agent's approver role, and a disabled account; nothing is stored.
	 */
	@Test
	void aLoginHintNamingSomeoneWhoCannotApproveIsRefusedAtTheBackchannelEndpoint() {
		TestAgent agent = registerToolAgent("misdirected");
		Person auditor = person("auditor", Set.of("auditor", "approver:legal"));
		Person former = person("former", Set.of("approver:finance-lead"));
		this.people.disable(former.username(), "left the company", "test");
		long before = this.jdbc.sql("SELECT count(*) FROM approval_request").query(Long.class).single();
		long denials = denials(agent);
		for (String hint : List.of("nobody-" + UUID.randomUUID() + "@example.com", auditor.email(), former.email())) {
			assertError(askFor(agent, Map.of("authorization_details", REFUND, "login_hint", hint)), 400,
					"unknown_user_id", "login_hint names no active person who may approve for this agent"
							+ " (one holding approver:finance-lead)");
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM approval_request").query(Long.class).single()).isEqualTo(before);
		assertThat(denials(agent)).isEqualTo(denials + 3);
	}

	long denials(TestAgent agent) {
		return this.jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND decision = 'deny'")
			.param(agent.id())
			.query(Long.class)
			.single();
	}

	/**
	 * The approvers' queue lists, in the database, only what a person may decide (by role
	 * and {@code login_hint}), so that its pages are full.
	 */
	@Test
	void theQueueOfOnePersonHoldsOnlyWhatTheyMayDecide() {
		TestAgent agent = registerToolAgent("queued");
		Person cfo = person("cfo", Set.of("approver:finance-lead"));
		ask(agent, Map.of("authorization_details", REFUND));
		ask(agent, Map.of("authorization_details", REFUND, "login_hint", cfo.email()));
		dev.agentidp.registry.AgentId id = dev.agentidp.registry.AgentId.of(agent.id());
		assertThat(queueOf(id, FINANCE)).hasSize(1).allSatisfy((request) -> assertThat(request.loginHint()).isNull());
		assertThat(queueOf(id, new Approver(cfo.email().toUpperCase(Locale.ROOT), cfo.roles()))).hasSize(2);
		assertThat(queueOf(id, new Approver("legal@example.com", Set.of("approver:legal", "admin")))).isEmpty();
		assertThat(queueOf(id, null)).hasSize(2);
	}

	List<ApprovalRequest> queueOf(dev.agentidp.registry.AgentId agent, Approver approver) {
		return this.approvals.pending(new ApprovalFilter(ApprovalStatus.PENDING, agent, approver), null, 10).items();
	}

	Person person(String role, Set<String> roles) {
		String name = role + "-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", "correct horse battery staple", roles, "test");
	}

	@Test
	void badBackchannelRequestsAreRefusedWithTheirCodesAndStoreNothing() {
		TestAgent agent = registerToolAgent("hostile");
		TestAgent other = registerToolAgent("other");
		long before = this.jdbc.sql("SELECT count(*) FROM approval_request").query(Long.class).single();
		assertError(askFor(agent, Map.of("authorization_details", "{\"type\": \"tool_call\"}")), 400, "invalid_request",
				"JSON array");
		assertError(askFor(agent, Map.of("authorization_details", "not json")), 400, "invalid_request", "JSON array");
		assertError(askFor(agent, Map.of("authorization_details", "[{\"type\": \"payment_initiation\"}]")), 400,
				"invalid_authorization_details", "type must be tool_call");
		assertError(askFor(agent,
				Map.of("authorization_details",
						"[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\", \"arguments\": \""
								+ "x".repeat(9000) + "\"}]")),
				400, "invalid_request", "at most 8192 bytes");
		assertError(
				askFor(agent,
						Map.of("authorization_details",
								"[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"chargeback\"}]")),
				400, "invalid_authorization_details", "not declared");
		assertError(askFor(agent, Map.of("authorization_details", REFUND, "scope", "github:create_pr")), 400,
				"invalid_authorization_details", "not among the scopes");
		assertError(askFor(agent, Map.of("authorization_details", REFUND, "binding_message", "x".repeat(129))), 400,
				"invalid_binding_message", "1 to 128");
		assertError(askFor(agent, Map.of("authorization_details", REFUND, "binding_message", "pay\u0007now")), 400,
				"invalid_binding_message", "control, format");
		assertError(askFor(agent, Map.of("authorization_details", REFUND, "login_hint", "owner@example.com")), 400,
				"unknown_user_id", "owner");
		assertError(askFor(agent, Map.of("authorization_details", REFUND, "requested_expiry", "3601")), 400,
				"invalid_request", "requested_expiry");
		TestAgent unsupervised = registerToolAgent("unsupervised",
				(document) -> ((tools.jackson.databind.node.ObjectNode) document.get("humanOversight"))
					.putArray("approvers"));
		assertError(askFor(unsupervised, Map.of("authorization_details", REFUND)), 400, "invalid_request",
				"no one could decide");
		HttpResponse<String> unauthenticated = this.http.postForm("/oauth2/bc-authorize",
				Map.of("authorization_details", REFUND));
		assertThat(unauthenticated.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(unauthenticated).get("error").asString()).isEqualTo("invalid_client");
		assertThat(this.jdbc.sql("SELECT count(*) FROM approval_request").query(Long.class).single()).isEqualTo(before);
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND decision = 'deny'")
			.param(agent.id())
			.query(Long.class)
			.single()).isGreaterThanOrEqualTo(10);

		// polls: unknown, another client's
		String authReqId = ask(agent, Map.of("authorization_details", REFUND)).get("auth_req_id").asString();
		assertError(poll(agent, "unknown-" + authReqId), 400, "invalid_grant", "not one this client holds");
		assertError(poll(other, authReqId), 400, "invalid_grant", "not one this client holds");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued")).isZero();
	}

	@Test
	void theAdminApiListsTheQueueAndAnswersBadFiltersWithProblems() {
		TestAgent agent = registerToolAgent("queue");
		ask(agent, Map.of("authorization_details", REFUND, "binding_message", "Refund order 4711"));
		ask(agent, Map.of("authorization_details", REFUND));
		HttpResponse<String> first = admin().get("/admin/v1/approvals?status=pending&limit=1&agentId=" + agent.id());
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		JsonNode page = TestHttp.json(first);
		assertThat(page.get("items").size()).isEqualTo(1);
		JsonNode item = page.get("items").get(0);
		assertThat(item.get("status").asString()).isEqualTo("pending");
		assertThat(item.get("owner").asString()).isEqualTo("owner@example.com");
		assertThat(item.get("bindingMessage").asString()).isEqualTo("Refund order 4711");
		assertThat(item.get("authorizationDetails").get(0).get("tool").asString()).isEqualTo("payments");
		assertThat(item.get("approverRoles").get(0).asString()).isEqualTo("finance-lead");
		assertThat(item.has("authReqId")).isFalse();
		JsonNode second = TestHttp.json(admin().get("/admin/v1/approvals?status=pending&limit=1&agentId=" + agent.id()
				+ "&cursor=" + page.get("nextCursor").asString()));
		assertThat(second.get("items").size()).isEqualTo(1);
		assertThat(second.get("nextCursor").isNull()).isTrue();
		for (String query : new String[] { "status=open", "limit=0", "agentId=x", "cursor=%25%25" }) {
			HttpResponse<String> bad = admin().get("/admin/v1/approvals?" + query);
			assertThat(bad.statusCode()).as(query + " " + bad.body()).isEqualTo(400);
			assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
		}
		// an agent's token is no admin's
		String agentToken = token(agent, "github:create_pr", GITHUB);
		assertThat(this.http.get("/admin/v1/approvals", agentToken).statusCode()).isEqualTo(403);
	}

	@Test
	void theMetadataAdvertisesTheBackchannelEndpointAndTheGrant() {
		JsonNode metadata = TestHttp.json(this.http.get("/.well-known/oauth-authorization-server", null));
		assertThat(metadata.get("backchannel_authentication_endpoint").asString()).endsWith("/oauth2/bc-authorize");
		assertThat(metadata.get("backchannel_token_delivery_modes_supported").get(0).asString()).isEqualTo("poll");
		assertThat(metadata.get("authorization_details_types_supported").get(0).asString()).isEqualTo("tool_call");
		assertThat(metadata.get("grant_types_supported").toString()).contains(CIBA);
	}

}
