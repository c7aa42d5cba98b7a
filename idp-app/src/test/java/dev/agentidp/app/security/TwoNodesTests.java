package dev.agentidp.app.security;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.approvals.ApprovalFilter;
import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.Approver;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two provider nodes on one PostgreSQL schema, as behind a load balancer: a token issued
 * by one introspects active on the other; revoked on one, it is inactive on the other as
 * soon as the revoke call has returned; an assertion used on one is refused on the other
 * (RFC 7523 §3 (7): a {@code jti} is accepted once); and tokens issued in parallel on
 * both nodes for several agents leave every audit chain valid, as verified by either
 * node; and concurrent decisions on both nodes never overspend a task's budget or a
 * sub-budget carved from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class TwoNodesTests {

	@TempDir
	static Path dataA;

	@TempDir
	static Path dataB;

	private TestProvider a;

	private TestProvider b;

	private String admin;

	private String rsId;

	private String rsSecret;

	@BeforeAll
	void start() {
		// an approval allows three decisions (idp.approvals.uses), across both nodes
		List<TestProvider> nodes = TestProvider.twoNodes(dataA, dataB, "idp.approvals.uses", "3");
		this.a = nodes.get(0);
		this.b = nodes.get(1);
		this.admin = this.a.adminToken();
		HttpResponse<String> rs = this.a.postJson("/admin/v1/clients",
				"{\"name\":\"two-nodes-rs\",\"kind\":\"resource_server\",\"scopes\":[]}", this.admin);
		assertThat(rs.statusCode()).as(rs.body()).isEqualTo(201);
		this.rsId = TestHttp.json(rs).get("clientId").asString();
		this.rsSecret = TestHttp.json(rs).get("clientSecret").asString();
	}

	@AfterAll
	void stop() {
		TestProvider.closeAll(this.b, this.a);
	}

	@Test
	void aTokenIssuedByOneNodeIntrospectsActiveOnTheOtherAndRevocationIsSeenAtOnce() {
		TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
		HttpResponse<String> issued = this.a.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String token = TestHttp.json(issued).get("access_token").asString();
		assertThat(introspect(this.b, token).get("active").asBoolean()).isTrue();
		Map<String, String> revoke = agent.authForm();
		revoke.put("token", token);
		assertThat(this.a.postForm("/oauth2/revoke", revoke).statusCode()).isEqualTo(200);
		// RFC 7009 §2: the token is invalid once the revocation response is returned
		assertThat(introspect(this.b, token).toString()).isEqualTo("{\"active\":false}");
		assertThat(introspect(this.a, token).toString()).isEqualTo("{\"active\":false}");
	}

	@Test
	void anAssertionUsedOnOneNodeIsRefusedOnTheOther() {
		TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
		Map<String, String> form = agent.tokenForm("crm:read");
		assertThat(this.a.postForm("/oauth2/token", form).statusCode()).isEqualTo(200);
		HttpResponse<String> replayed = this.b.postForm("/oauth2/token", form);
		assertThat(replayed.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(replayed).get("error").asString()).isEqualTo("invalid_client");
		// and the other way round
		Map<String, String> second = agent.tokenForm("crm:read");
		assertThat(this.b.postForm("/oauth2/token", second).statusCode()).isEqualTo(200);
		assertThat(this.a.postForm("/oauth2/token", second).statusCode()).isEqualTo(401);
	}

	/**
	 * Issue 14, item 4: the failed authentications of a client from one address are
	 * counted across nodes (default threshold 20: 10 on each node).
	 */
	@Test
	void failedAuthenticationsFromOneAddressAreCountedAcrossBothNodes() {
		TestAgent victim = this.a.registerAgent(this.admin, "crm:read");
		TestAgent forger = this.a.registerAgent(this.admin, "crm:read");
		for (TestProvider node : List.of(this.a, this.b)) {
			for (int i = 0; i < 10; i++) {
				String forged = forger
					.sign(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.EdDSA)
						.keyID(victim.key().getKeyID())
						.build(), victim.claims().build());
				assertThat(node.postFormFrom("127.0.0.5", "/oauth2/token", victim.formWith(forged, "crm:read"))
					.statusCode()).isEqualTo(401);
			}
		}
		HttpResponse<String> throttled = this.b.postFormFrom("127.0.0.5", "/oauth2/token",
				victim.tokenForm("crm:read"));
		assertThat(throttled.statusCode()).as(throttled.body()).isEqualTo(401);
		assertThat(TestHttp.json(throttled).get("error_description").asString())
			.contains("too many failed authentications");
		// the victim, from its own address, still gets tokens on either node
		assertThat(this.a.postFormFrom("127.0.0.6", "/oauth2/token", victim.tokenForm("crm:read")).statusCode())
			.isEqualTo(200);
		assertThat(this.b.postFormFrom("127.0.0.6", "/oauth2/token", victim.tokenForm("crm:read")).statusCode())
			.isEqualTo(200);
	}

	@Test
	void parallelIssuanceOnBothNodesKeepsEveryAuditChainValid() throws Exception {
		List<TestAgent> agents = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			agents.add(this.a.registerAgent(this.admin, "crm:read"));
		}
		long before = this.a.rows("issued_token");
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (TestAgent agent : agents) {
				for (TestProvider node : List.of(this.a, this.b)) {
					results.add(pool.submit(() -> {
						int ok = 0;
						for (int i = 0; i < 15; i++) {
							if (node.postForm("/oauth2/token", agent.tokenForm("crm:read")).statusCode() == 200) {
								ok++;
							}
							// a denial is an audit append too
							node.postForm("/oauth2/token", agent.tokenForm("crm:delete"));
						}
						return ok;
					}));
				}
			}
			int issued = 0;
			for (Future<Integer> result : results) {
				issued += result.get();
			}
			assertThat(issued).isEqualTo(4 * 2 * 15);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.a.rows("issued_token") - before).isEqualTo(4 * 2 * 15);
		for (TestProvider node : List.of(this.a, this.b)) {
			JsonNode verify = node.verifyAudit(node.adminToken());
			assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
			for (TestAgent agent : agents) {
				assertThat(this.a.jdbc()
					.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.issued'")
					.param(agent.id())
					.query(Long.class)
					.single()).isEqualTo(30);
			}
		}
	}

	/**
	 * Issue 16: 500 concurrent decisions of 0.03 on both nodes against a task's budget of
	 * 5.00 (166 fit), half from the root agent's token, half from its sub-agent's with a
	 * sub-budget of 2.00 carved at exchange (66 fit at most): neither is overspent, and
	 * each holds exactly what was allowed from it.
	 */
	@Test
	void fiveHundredConcurrentDecisionsOnBothNodesNeverOverspendASubBudgetOrTheTask() throws Exception {
		String tools = "https://mcp.example.com/two-nodes-github";
		TestAgent agent = this.a.agents(this.admin)
			.document("two-nodes-budget")
			.scope("github:create_pr", "low")
			.tool("github", tools, "create_pr")
			.tokenPolicy((policy) -> policy.putObject("budget")
				.put("unit", "usd")
				.put("perTask", new BigDecimal("5.00"))
				.put("reserveAbove", new BigDecimal("1.0"))
				.put("highCost", new BigDecimal("100.0")))
			.register();
		String token = agent.token(this.a.http(), "github:create_pr", Map.of("task", "two-nodes"), tools);
		Map<String, String> exchange = agent.form("EdDSA", "github:create_pr");
		exchange.put("grant_type", TestAgent.EXCHANGE);
		exchange.put("subject_token", token);
		exchange.put("subject_token_type", TestAgent.ACCESS_TOKEN);
		exchange.put("sub_agent", "two-nodes-helper");
		exchange.put("budget", "2.00");
		HttpResponse<String> exchanged = this.b.postForm("/oauth2/token", exchange);
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String child = TestHttp.json(exchanged).get("access_token").asString();
		String childId = TestHttp.json(exchanged).get("sub_agent_id").asString();
		TestProvider.ResourceServer gateway = this.a.registerResourceServer(this.admin, "two-nodes-gateway");
		ExecutorService pool = Executors.newFixedThreadPool(16);
		int[] allowed = new int[2];
		try {
			List<Future<Boolean>> decisions = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				boolean fromChild = (i % 4) >= 2;
				String body = evaluation(fromChild ? childId : agent.id(), fromChild ? child : token);
				decisions.add(pool.submit(() -> {
					HttpResponse<String> response = node.http()
						.post("/access/v1/evaluation", gateway.clientId(), gateway.secret(), "application/json", body);
					assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
					return TestHttp.json(response).get("decision").asBoolean();
				}));
			}
			for (int i = 0; i < 500; i++) {
				if (decisions.get(i).get(120, TimeUnit.SECONDS)) {
					allowed[((i % 4) >= 2) ? 1 : 0]++;
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		BigDecimal cost = new BigDecimal("0.03");
		// the root token's 250 decisions alone ask for more than the task has
		assertThat(allowed[0] + allowed[1]).isEqualTo(166);
		assertThat(allowed[1]).isLessThanOrEqualTo(66);
		BigDecimal spent = this.a.jdbc()
			.sql("SELECT spent FROM budget_ledger WHERE root_agent_id = ?::uuid AND ledger_key = 'task:two-nodes'")
			.param(agent.id())
			.query(BigDecimal.class)
			.single();
		assertThat(spent).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(166)));
		BigDecimal carved = this.a.jdbc()
			.sql("SELECT spent FROM budget_carve WHERE jti = ?")
			.param(TestHttp.claims(child).get("jti").asString())
			.query(BigDecimal.class)
			.single();
		assertThat(carved).isEqualByComparingTo(cost.multiply(BigDecimal.valueOf(allowed[1])));
		assertThat(carved).isLessThanOrEqualTo(new BigDecimal("2.00"));
		JsonNode verify = this.b.verifyAudit(this.b.adminToken());
		assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
	}

	/**
	 * Issue 19: an approval asked on one node is decided, polled and collected on the
	 * other; a poll on either node counts against the same interval ({@code slow_down}),
	 * the token is issued once, and 40 concurrent decisions on both nodes under an
	 * approval of three uses ({@code idp.approvals.uses}) allow exactly three.
	 */
	@Test
	void anApprovalAskedOnOneNodeIsDecidedAndCollectedOnTheOtherAndUsedAsOftenAsAllowedAcrossBoth() throws Exception {
		String payments = "https://mcp.example.com/two-nodes-payments";
		TestAgent agent = this.a.agents(this.admin)
			.document("two-nodes-approval")
			.scope("payments:refund", "critical")
			.tool("payments", payments, "refund")
			.edit((document) -> {
				document.putObject("humanOversight").putArray("requiredFor").add("payments:refund");
				((tools.jackson.databind.node.ObjectNode) document.get("humanOversight")).putArray("approvers")
					.add("finance-lead");
			})
			.register();
		Map<String, String> ask = agent.authForm();
		ask.put("authorization_details", "[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\"}]");
		HttpResponse<String> started = this.a.postForm("/oauth2/bc-authorize", ask);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		String authReqId = TestHttp.json(started).get("auth_req_id").asString();
		assertThat(TestHttp.json(poll(this.a, agent, authReqId)).get("error").asString())
			.isEqualTo("authorization_pending");
		assertThat(TestHttp.json(poll(this.b, agent, authReqId)).get("error").asString()).isEqualTo("slow_down");

		Approvals approvals = this.b.context().getBean(Approvals.class);
		ApprovalId id = approvals.pending(ApprovalFilter.PENDING, null, 500)
			.items()
			.stream()
			.filter((request) -> request.agentId().toString().equals(agent.id()))
			.findFirst()
			.orElseThrow()
			.id();
		approvals.decide(id, new Approver("lead@example.com", java.util.Set.of("approver:finance-lead")),
				Approvals.Verdict.APPROVE, "two nodes");
		HttpResponse<String> issued = poll(this.b, agent, authReqId);
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		assertThat(TestHttp.json(poll(this.a, agent, authReqId)).get("error").asString()).isEqualTo("invalid_grant");
		String token = TestHttp.json(issued).get("access_token").asString();

		String body = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}, \"action\": {\"name\": \"refund\"},"
				+ " \"resource\": {\"type\": \"tool\", \"id\": \"payments\"}}";
		ExecutorService pool = Executors.newFixedThreadPool(8);
		int allowed = 0;
		try {
			List<Future<Boolean>> decisions = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				decisions.add(pool.submit(() -> {
					HttpResponse<String> response = node.http()
						.post("/access/v1/evaluation", this.rsId, this.rsSecret, "application/json", body);
					assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
					return TestHttp.json(response).get("decision").asBoolean();
				}));
			}
			for (Future<Boolean> decision : decisions) {
				if (decision.get(120, TimeUnit.SECONDS)) {
					allowed++;
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(allowed).isEqualTo(3);
		assertThat(this.a.jdbc()
			.sql("SELECT uses FROM approval_request WHERE id = ?::uuid")
			.param(id.toString())
			.query(Integer.class)
			.single()).isEqualTo(3);
	}

	private static HttpResponse<String> poll(TestProvider node, TestAgent agent, String authReqId) {
		Map<String, String> form = agent.authForm();
		form.put("grant_type", "urn:openid:params:grant-type:ciba");
		form.put("auth_req_id", authReqId);
		return node.postForm("/oauth2/token", form);
	}

	/** An AuthZEN evaluation of a create_pr call costing 0.03. */
	private static String evaluation(String subject, String token) {
		return "{\"subject\": {\"type\": \"agent\", \"id\": \"" + subject + "\", \"properties\": {\"token\": \"" + token
				+ "\"}}, \"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\","
				+ " \"id\": \"github\"}, \"context\": {\"cost\": 0.03}}";
	}

	private JsonNode introspect(TestProvider node, String token) {
		HttpResponse<String> response = node.postForm("/oauth2/introspect", Map.of("token", token), this.rsId,
				this.rsSecret);
		assertThat(response.statusCode()).isEqualTo(200);
		return TestHttp.json(response);
	}

}
