package dev.agentidp.app.tokens;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static dev.agentidp.app.fixtures.TestAssertions.assertOAuthError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trusted issuers are shared state (docs/workload-identity.md): an issuer added on one
 * node is trusted by the other at once, a workload token's {@code jti} used on one node
 * is refused on the other, and an issuer removed on one node is distrusted by the other
 * on the next request.
 */
class WorkloadIdentityTwoNodesTests {

	private static final String SERVICE_ACCOUNT = "system:serviceaccount:payments:refund-agent";

	@TempDir
	Path dataA;

	@TempDir
	Path dataB;

	@Test
	void everyNodeTrustsTheSameIssuersAndRefusesAReplayFromTheOther() {
		List<TestProvider> nodes = TestProvider.twoNodes(this.dataA, this.dataB,
				"idp.tokens.max-failed-authentications-per-minute", "1000000");
		try (LocalIssuer kubernetes = LocalIssuer.kubernetes()) {
			TestHttp a = nodes.get(0).http();
			TestHttp b = nodes.get(1).http();
			String issuer = nodes.get(0).issuer();
			String admin = a.token("idp-admin", TestProvider.ADMIN_SECRET, "idp:admin");
			HttpResponse<String> added = a.postJson("/admin/v1/trusted-issuers", "{\"issuer\":\"" + kubernetes.issuer()
					+ "\",\"kind\":\"kubernetes\",\"jwksUri\":\"" + kubernetes.jwksUri() + "\"}", admin);
			assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
			TestAgent agent = new TestAgents(a, admin, issuer).document("two-nodes")
				.scopes("payments:refund")
				.edit((doc) -> {
					ObjectNode identity = doc.putArray("workloadIdentity").addObject();
					identity.put("issuer", kubernetes.issuer());
					identity.put("subject", SERVICE_ACCOUNT);
				})
				.register();
			String token = kubernetes.token(SERVICE_ACCOUNT, issuer, (claims) -> {
			});
			HttpResponse<String> onB = b.postForm("/oauth2/token", agent.formWith(token, "payments:refund"));
			assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
			assertOAuthError(a.postForm("/oauth2/token", agent.formWith(token, "payments:refund")), 401,
					"invalid_client", "already used (replayed jti)");
			String id = TestHttp.json(added).get("id").asString();
			assertThat(a.send("DELETE", "/admin/v1/trusted-issuers/" + id, admin, null, null).statusCode())
				.isEqualTo(204);
			assertOAuthError(
					b.postForm("/oauth2/token", agent.formWith(kubernetes.token(SERVICE_ACCOUNT, issuer, (claims) -> {
					}), "payments:refund")), 401, "invalid_client", "is not a trusted issuer");
		}
		finally {
			TestProvider.closeAll(nodes.toArray(TestProvider[]::new));
		}
	}

}
