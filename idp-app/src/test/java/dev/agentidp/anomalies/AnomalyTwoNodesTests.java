package dev.agentidp.anomalies;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.agentidp.app.fixtures.TestAssertions.auditCount;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A brute-force run of bad client assertions against one node makes the other suspend the
 * agent (docs/signals.md, {@code failed_authentication}): the failures are counted in
 * PostgreSQL by the token endpoint of node A, whose detection runs only once a minute;
 * node B, running every second, reads the shared count and suspends the agent with its
 * tokens. Two nodes on one database, as behind a load balancer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnomalyTwoNodesTests {

	@TempDir
	static Path dataA;

	@TempDir
	static Path dataB;

	private TestProvider a;

	private TestProvider b;

	@BeforeAll
	void start() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kek = Base64.getEncoder().encodeToString(new byte[32]);
		this.a = TestProvider.start(schema, dataA, "idp.tokens.key-encryption-key", kek, "idp.issuer",
				"http://idp.test", "idp.anomalies.flush-interval", "1m");
		this.b = TestProvider.start(schema, dataB, "idp.tokens.key-encryption-key", kek, "idp.issuer",
				"http://idp.test", "idp.anomalies.flush-interval", "1s");
	}

	@AfterAll
	void stop() {
		TestProvider.closeAll(this.b, this.a);
	}

	@Test
	void badAssertionsOnOneNodeSuspendTheAgentOnTheOther() throws Exception {
		String admin = this.a.adminToken();
		TestAgent agent = register(admin, "brute-forced", 5, "suspend");
		HttpResponse<String> issued = this.a.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String token = TestHttp.json(issued).get("access_token").asString();
		// an attacker who knows the agent's id and kid, not its key
		OctetKeyPair impostor = new OctetKeyPairGenerator(Curve.Ed25519).keyID(agent.key().getKeyID()).generate();
		for (int i = 0; i < 6; i++) {
			HttpResponse<String> refused = this.a.postForm("/oauth2/token", badForm(agent, impostor));
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		}
		JsonNode suspended = awaitStatus(agent.id(), admin, "suspended");
		assertThat(suspended.get("status").asString()).isEqualTo("suspended");
		HttpResponse<String> list = this.a.get("/admin/v1/agents/" + agent.id() + "/anomalies", admin);
		JsonNode anomaly = TestHttp.json(list).get("items").get(0);
		assertThat(anomaly.get("rule").asString()).isEqualTo("failed_authentication");
		assertThat(anomaly.get("reaction").asString()).isEqualTo("suspend");
		assertThat(anomaly.get("evidence").get("failures").asLong()).isGreaterThanOrEqualTo(5);
		assertThat(anomaly.get("evidence").get("threshold").asLong()).isEqualTo(5);
		// audited on the agent's chain, with the suspension it caused, once
		assertThat(auditCount(this.a.jdbc(), agent.id(), AnomalyDetected.ACTION)).isEqualTo(1);
		assertThat(auditCount(this.a.jdbc(), agent.id(), "agent.suspended")).isEqualTo(1);
		// its token is revoked and its own key no longer gets one, on either node
		assertThat(introspectActive(this.a, token)).isFalse();
		assertThat(this.b.postForm("/oauth2/token", agent.tokenForm("crm:read")).statusCode()).isEqualTo(401);
		JsonNode verified = TestHttp.json(this.b.get("/admin/v1/audit/verify?chain=" + agent.id(), admin));
		assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
	}

	@Test
	void badAssertionsOnlyFlagAnAgentThatDoesNotAskForSuspension() throws Exception {
		String admin = this.a.adminToken();
		TestAgent agent = register(admin, "flagged-only", 3, null);
		OctetKeyPair impostor = new OctetKeyPairGenerator(Curve.Ed25519).keyID(agent.key().getKeyID()).generate();
		for (int i = 0; i < 4; i++) {
			assertThat(this.a.postForm("/oauth2/token", badForm(agent, impostor)).statusCode()).isEqualTo(401);
		}
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		JsonNode items;
		do {
			Thread.sleep(200);
			items = TestHttp.json(this.a.get("/admin/v1/agents/" + agent.id() + "/anomalies", admin)).get("items");
		}
		while (items.isEmpty() && Instant.now().isBefore(deadline));
		assertThat(items).hasSize(1);
		assertThat(items.get(0).get("reaction").asString()).isEqualTo("flag");
		assertThat(TestHttp.json(this.a.get("/admin/v1/agents/" + agent.id(), admin)).get("status").asString())
			.isEqualTo("active");
		assertThat(this.b.postForm("/oauth2/token", agent.tokenForm("crm:read")).statusCode()).isEqualTo(200);
	}

	/**
	 * A step-up raised by one node's detection stops the agent's calls on the other node
	 * too, within {@code idp.anomalies.step-up-cache-ttl} (2 s), and a person clearing it
	 * on that node lets them through again.
	 */
	@Test
	void aStepUpRaisedOnOneNodeStopsTheAgentsCallsOnTheOther() throws Exception {
		String admin = this.a.adminToken();
		String tools = "https://mcp.example.com/anomaly-two-nodes";
		TestAgent agent = this.a.agents(admin)
			.document("stepped-up")
			.scope("github:create_pr", "low")
			.tool("github", tools, "create_pr")
			.tokenPolicy((policy) -> policy.putObject("anomaly")
				.put("failedAuthentications", 3)
				.putObject("reactions")
				.put("failed_authentication", "step_up"))
			.register();
		String token = agent.token(this.a.http(), "github:create_pr", Map.of(), tools);
		HttpResponse<String> rs = this.a.postJson("/admin/v1/clients",
				"{\"name\":\"anomaly-pdp-" + System.nanoTime() + "\",\"kind\":\"resource_server\",\"scopes\":[]}",
				admin);
		JsonNode client = TestHttp.json(rs);
		String rsId = client.get("clientId").asString();
		String rsSecret = client.get("clientSecret").asString();
		String body = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}, \"action\": {\"name\": \"create_pr\"},"
				+ " \"resource\": {\"type\": \"tool\", \"id\": \"github\"}}";
		assertThat(decision(this.a, rsId, rsSecret, body).get("decision").asBoolean()).isTrue();
		OctetKeyPair impostor = new OctetKeyPairGenerator(Curve.Ed25519).keyID(agent.key().getKeyID()).generate();
		for (int i = 0; i < 4; i++) {
			assertThat(this.b.postForm("/oauth2/token", badForm(agent, impostor)).statusCode()).isEqualTo(401);
		}
		// node B's detection raises it; node A's decisions see it within its cache's 2 s
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		JsonNode denied;
		do {
			Thread.sleep(200);
			denied = decision(this.a, rsId, rsSecret, body);
		}
		while (denied.get("decision").asBoolean() && Instant.now().isBefore(deadline));
		assertThat(denied.get("decision").asBoolean()).as(denied.toString()).isFalse();
		assertThat(denied.get("context").get("code").asString()).isEqualTo("anomaly");
		assertThat(TestHttp.json(this.a.get("/admin/v1/agents/" + agent.id(), admin)).get("status").asString())
			.as("a step-up stops calls, it suspends nothing")
			.isEqualTo("active");
		String anomaly = TestHttp.json(this.b.get("/admin/v1/agents/" + agent.id() + "/anomalies", admin))
			.get("items")
			.get(0)
			.get("id")
			.asString();
		HttpResponse<String> cleared = this.a.postJson(
				"/admin/v1/agents/" + agent.id() + "/anomalies/" + anomaly + "/clear",
				"{\"reason\": \"the failures were a misconfigured deployment\"}", admin);
		assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
		deadline = Instant.now().plus(Duration.ofSeconds(10));
		JsonNode allowed;
		do {
			allowed = decision(this.b, rsId, rsSecret, body);
			Thread.sleep(200);
		}
		while (!allowed.get("decision").asBoolean() && Instant.now().isBefore(deadline));
		assertThat(allowed.get("decision").asBoolean()).as("allowed again on the other node").isTrue();
	}

	private static JsonNode decision(TestProvider node, String rsId, String rsSecret, String body) {
		HttpResponse<String> response = node.http()
			.post("/access/v1/evaluation", rsId, rsSecret, "application/json", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	/** An agent with its failed_authentication threshold and, when given, reaction. */
	private TestAgent register(String admin, String name, int threshold, String reaction) {
		return this.a.agents(admin).document(name).scopes("crm:read").tokenPolicy((policy) -> {
			ObjectNode anomaly = policy.putObject("anomaly").put("failedAuthentications", threshold);
			if (reaction != null) {
				anomaly.putObject("reactions").put("failed_authentication", reaction);
			}
		}).register();
	}

	private static Map<String, String> badForm(TestAgent agent, OctetKeyPair impostor) throws JOSEException {
		Map<String, String> form = agent.formWith(TestAgent.sign(impostor, JWSAlgorithm.EdDSA, agent.claims().build()),
				"crm:read");
		return form;
	}

	private JsonNode awaitStatus(String agentId, String admin, String status) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		JsonNode agent;
		do {
			agent = TestHttp.json(this.a.get("/admin/v1/agents/" + agentId, admin));
			if (status.equals(agent.get("status").asString())) {
				return agent;
			}
			Thread.sleep(200);
		}
		while (Instant.now().isBefore(deadline));
		return agent;
	}

	private boolean introspectActive(TestProvider node, String token) {
		String admin = node.adminToken();
		HttpResponse<String> rs = node.postJson("/admin/v1/clients",
				"{\"name\":\"anomaly-rs-" + System.nanoTime() + "\",\"kind\":\"resource_server\",\"scopes\":[]}",
				admin);
		JsonNode created = TestHttp.json(rs);
		HttpResponse<String> answer = node.postForm("/oauth2/introspect", Map.of("token", token),
				created.get("clientId").asString(), created.get("clientSecret").asString());
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return TestHttp.json(answer).get("active").asBoolean();
	}

}
