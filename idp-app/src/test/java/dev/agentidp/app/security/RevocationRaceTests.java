package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 6: a token derived or issued while its parent is revoked, or its agent
 * suspended, or carrying a capability being removed, must not escape. Two provider nodes
 * on one database; many concurrent token exchanges of one root token on both nodes while
 * the agent revokes it (and many concurrent client-credentials requests while an admin
 * suspends the agent); once the revoke (or suspend) call has returned and the requests in
 * flight have finished, not one child (or token of the agent) is live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class RevocationRaceTests {

	private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	private static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

	private static final int ROUNDS = 5;

	private static final int REQUESTS = 200;

	@TempDir
	static Path dataA;

	@TempDir
	static Path dataB;

	private TestProvider a;

	private TestProvider b;

	private String admin;

	@BeforeAll
	void start() {
		List<TestProvider> nodes = TestProvider.twoNodes(dataA, dataB,
				"idp.tokens.max-failed-authentications-per-minute", "100000");
		this.a = nodes.get(0);
		this.b = nodes.get(1);
		this.admin = this.a.adminToken();
	}

	@AfterAll
	void stop() {
		TestProvider.closeAll(this.b, this.a);
	}

	@Test
	void noChildDerivedDuringARevocationOfItsParentIsLiveAfterTheRevokeReturns() throws Exception {
		int derivedAroundRevokes = 0;
		for (int round = 0; round < ROUNDS; round++) {
			TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
			HttpResponse<String> issued = this.a.postForm("/oauth2/token", agent.tokenForm("crm:read"));
			assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
			String root = TestHttp.json(issued).get("access_token").asString();
			String rootJti = TestHttp.claims(root).get("jti").asString();
			AtomicInteger derived = new AtomicInteger();
			race(REQUESTS, (i) -> {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				Map<String, String> form = agent.authForm();
				form.put("grant_type", EXCHANGE);
				form.put("subject_token", root);
				form.put("subject_token_type", ACCESS_TOKEN);
				form.put("sub_agent", "worker-" + (i % 4));
				form.put("scope", "crm:read");
				HttpResponse<String> answer = node.postForm("/oauth2/token", form);
				assertThat(answer.statusCode()).as(answer.body()).isIn(200, 400);
				if (answer.statusCode() == 200) {
					derived.incrementAndGet();
				}
			}, () -> {
				Map<String, String> revoke = agent.authForm();
				revoke.put("token", root);
				assertThat(this.a.postForm("/oauth2/revoke", revoke).statusCode()).isEqualTo(200);
			});
			derivedAroundRevokes += derived.get();
			assertThat(liveTokens("root_jti = ?", rootJti)).as("live tokens of the revoked tree, round " + round)
				.isZero();
		}
		// the race was run: some children were derived before each revoke
		assertThat(derivedAroundRevokes).isPositive();
	}

	@Test
	void noTokenIssuedDuringASuspensionOfItsAgentIsLiveAfterTheSuspendReturns() throws Exception {
		int issuedAroundSuspends = 0;
		for (int round = 0; round < ROUNDS; round++) {
			TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
			AtomicInteger issued = new AtomicInteger();
			race(REQUESTS, (i) -> {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				HttpResponse<String> answer = node.postForm("/oauth2/token", agent.tokenForm("crm:read"));
				assertThat(answer.statusCode()).as(answer.body()).isIn(200, 400, 401);
				if (answer.statusCode() == 200) {
					issued.incrementAndGet();
				}
			}, () -> {
				HttpResponse<String> suspend = this.b.postJson("/admin/v1/agents/" + agent.id() + "/suspend", "{}",
						this.admin);
				assertThat(suspend.statusCode()).as(suspend.body()).isEqualTo(200);
			});
			issuedAroundSuspends += issued.get();
			assertThat(liveTokens("agent_id = ?::uuid", agent.id()))
				.as("unrevoked tokens of the suspended agent, round " + round)
				.isZero();
		}
		assertThat(issuedAroundSuspends).isPositive();
	}

	@Test
	void noTokenCarryingARemovedCapabilityIsLiveAfterThePatchReturns() throws Exception {
		int issuedAroundPatches = 0;
		for (int round = 0; round < ROUNDS; round++) {
			TestAgent agent = this.a.registerAgent(this.admin, "crm:read", "crm:write");
			AtomicInteger issued = new AtomicInteger();
			race(REQUESTS, (i) -> {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				HttpResponse<String> answer = node.postForm("/oauth2/token", agent.tokenForm("crm:read crm:write"));
				assertThat(answer.statusCode()).as(answer.body()).isIn(200, 400);
				if (answer.statusCode() == 200) {
					issued.incrementAndGet();
				}
			}, () -> {
				HttpResponse<String> patch = this.b.send(this.b.request("/admin/v1/agents/" + agent.id())
					.header("Content-Type", "application/merge-patch+json")
					.header("Authorization", "Bearer " + this.admin)
					.method("PATCH",
							java.net.http.HttpRequest.BodyPublishers
								.ofString("{\"capabilities\":[{\"scope\":\"crm:read\",\"riskLevel\":\"low\"}]}"))
					.build());
				assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
			});
			issuedAroundPatches += issued.get();
			assertThat(liveTokens("agent_id = ?::uuid AND 'crm:write' = ANY(scopes)", agent.id()))
				.as("live tokens carrying the removed scope, round " + round)
				.isZero();
		}
		assertThat(issuedAroundPatches).isPositive();
	}

	/**
	 * Issue 15, item 2: a client that is not an agent gets its token through the same
	 * issuing path as agents, held against a concurrent disable in the transaction that
	 * writes it. Node A has the client cached (it just authenticated there) when node B
	 * disables it: nothing issued around the disable stays live, and node A refuses the
	 * next request although its cache may still hold the enabled client.
	 */
	@Test
	void noTokenIssuedToAClientDuringItsDisablingIsLiveAfterTheDisableReturns() throws Exception {
		int issuedAroundDisables = 0;
		for (int round = 0; round < ROUNDS; round++) {
			HttpResponse<String> registered = this.a.postJson("/admin/v1/clients",
					"{\"name\":\"race " + round + "\",\"kind\":\"admin\",\"scopes\":[\"idp:audit:read\"]}", this.admin);
			assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
			String clientId = TestHttp.json(registered).get("clientId").asString();
			String secret = TestHttp.json(registered).get("clientSecret").asString();
			Map<String, String> form = Map.of("grant_type", "client_credentials", "scope", "idp:audit:read");
			AtomicInteger issued = new AtomicInteger();
			race(REQUESTS, (i) -> {
				TestProvider node = (i % 2 == 0) ? this.a : this.b;
				HttpResponse<String> answer = node.postForm("/oauth2/token", form, clientId, secret);
				assertThat(answer.statusCode()).as(answer.body()).isIn(200, 401);
				if (answer.statusCode() == 200) {
					issued.incrementAndGet();
				}
			}, () -> {
				HttpResponse<String> disable = this.b.postJson("/admin/v1/clients/" + clientId + "/disable", "{}",
						this.admin);
				assertThat(disable.statusCode()).as(disable.body()).isEqualTo(200);
			});
			issuedAroundDisables += issued.get();
			assertThat(liveTokens("client_id = ?", clientId))
				.as("unrevoked tokens of the disabled client, round " + round)
				.isZero();
			HttpResponse<String> after = this.a.postForm("/oauth2/token", form, clientId, secret);
			assertThat(after.statusCode()).as(after.body()).isEqualTo(401);
			assertThat(TestHttp.json(after).get("error").asString()).isEqualTo("invalid_client");
		}
		assertThat(issuedAroundDisables).isPositive();
	}

	/**
	 * Runs {@code requests} calls on 24 threads and, once a quarter of them have been
	 * answered, the interruption on the calling thread; waits for every call to finish.
	 */
	private void race(int requests, RequestCall call, Runnable interruption) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(24);
		CountDownLatch quarter = new CountDownLatch(requests / 4);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				int index = i;
				calls.add(pool.submit(() -> {
					try {
						call.run(index);
					}
					finally {
						quarter.countDown();
					}
					return null;
				}));
			}
			assertThat(quarter.await(60, TimeUnit.SECONDS)).isTrue();
			interruption.run();
			for (Future<?> result : calls) {
				result.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private long liveTokens(String condition, String value) {
		return this.a.jdbc()
			.sql("SELECT count(*) FROM issued_token WHERE " + condition
					+ " AND revoked_at IS NULL AND expires_at > now()")
			.param(value)
			.query(Long.class)
			.single();
	}

	@FunctionalInterface
	private interface RequestCall {

		void run(int index) throws Exception;

	}

}
