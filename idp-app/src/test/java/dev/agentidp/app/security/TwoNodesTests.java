package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.agentidp.app.fixtures.TestAgent;
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
 * node.
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
		List<TestProvider> nodes = TestProvider.twoNodes(dataA, dataB);
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
		if (this.b != null) {
			this.b.close();
		}
		if (this.a != null) {
			this.a.close();
		}
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

	private JsonNode introspect(TestProvider node, String token) {
		HttpResponse<String> response = node.postForm("/oauth2/introspect", Map.of("token", token), this.rsId,
				this.rsSecret);
		assertThat(response.statusCode()).isEqualTo(200);
		return TestHttp.json(response);
	}

}
