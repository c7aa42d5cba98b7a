package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP at the token endpoint (RFC 9449 §5, issue 17): a token request with a valid proof
 * gets a {@code DPoP} token bound to the proof's key ({@code cnf.jkt}), which
 * introspection reports; a refused proof (replayed, for another endpoint, two headers)
 * gets {@code invalid_dpop_proof} (or {@code invalid_request}), is audited, and issues
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpopTokenTests {

	private TestProvider provider;

	private String admin;

	private TestProvider.ResourceServer resourceServer;

	private final OctetKeyPair proofKey = TestAgent.newKey();

	@BeforeAll
	void start() {
		this.provider = TestProvider.shared();
		this.admin = this.provider.adminToken();
		this.resourceServer = this.provider.registerResourceServer(this.admin, "dpop-rs");
	}

	@AfterAll
	void stop() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void anAgentsTokenRequestWithAProofGetsADpopTokenBoundToTheProofsKey() throws JOSEException {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		HttpResponse<String> issued = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof());
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(issued);
		// RFC 9449 §5: token_type DPoP
		assertThat(answer.get("token_type").asString()).isEqualTo("DPoP");
		String token = answer.get("access_token").asString();
		String thumbprint = this.proofKey.computeThumbprint().toString();
		// RFC 9449 §6.1: cnf.jkt, the proof key's RFC 7638 thumbprint
		assertThat(TestHttp.claims(token).get("cnf").get("jkt").asString()).isEqualTo(thumbprint);
		JsonNode introspection = TestHttp.json(this.provider.postForm("/oauth2/introspect", Map.of("token", token),
				this.resourceServer.clientId(), this.resourceServer.secret()));
		assertThat(introspection.get("active").asBoolean()).isTrue();
		assertThat(introspection.get("token_type").asString()).isEqualTo("DPoP");
		assertThat(introspection.get("cnf").get("jkt").asString()).isEqualTo(thumbprint);
		// server nonces are off by default (RFC 9449 §8; DpopNonceTests): none is sent
		assertThat(issued.headers().firstValue("DPoP-Nonce")).isEmpty();
		// without a proof, the same agent still gets a bearer token (tokenPolicy none)
		HttpResponse<String> bearer = this.provider.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		assertThat(TestHttp.json(bearer).get("token_type").asString()).isEqualTo("Bearer");
		assertThat(TestHttp.claims(TestHttp.json(bearer).get("access_token").asString()).has("cnf")).isFalse();
	}

	@Test
	void anAdminClientsTokenRequestWithAProofGetsADpopToken() {
		HttpResponse<String> issued = this.provider.postFormWithHeaders("/oauth2/token",
				Map.of("grant_type", "client_credentials", "scope", "idp:audit:read"), "DPoP", proof(), "Authorization",
				TestHttp.basic("idp-admin", TestProvider.ADMIN_SECRET));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		assertThat(TestHttp.json(issued).get("token_type").asString()).isEqualTo("DPoP");
	}

	@Test
	void aReplayedProofIsRefusedAuditedAndIssuesNothing() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		String proof = proof();
		assertThat(this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP", proof)
			.statusCode()).isEqualTo(200);
		Map<String, Long> before = this.provider.guardedRows();
		HttpResponse<String> replayed = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof);
		assertRefused(replayed, "invalid_dpop_proof", "used before");
		assertThat(replayed.headers().firstValue("DPoP-Nonce")).as("nonces are off by default").isEmpty();
		assertThat(this.provider.guardedRows()).isEqualTo(before);
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied'"
					+ " AND details->>'error' = 'invalid_dpop_proof'")
			.param(agent.id())
			.query(Long.class)
			.single()).as("the refused proof is audited on the agent's chain").isEqualTo(1);
	}

	@Test
	void aProofForAnotherUriOrMethodOrTooOldIsRefused() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
						proof((claims) -> claims.claim("htu", this.provider.issuer() + "/oauth2/introspect"))),
				"invalid_dpop_proof", "htu does not match");
		assertRefused(this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
				proof((claims) -> claims.claim("htm", "GET"))), "invalid_dpop_proof", "htm does not match");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
						proof((claims) -> claims.issueTime(new Date(System.currentTimeMillis() - 120_000)))),
				"invalid_dpop_proof", "outside the accepted window");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP", "not-a-jwt"),
				"invalid_dpop_proof", "not a signed JWT");
	}

	@Test
	void twoDpopHeadersAreRefused() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		HttpResponse<String> two = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof(), "DPoP", proof());
		assertThat(two.statusCode()).as(two.body()).isEqualTo(400);
		assertThat(TestHttp.json(two).get("error").asString()).isIn("invalid_request", "invalid_dpop_proof");
	}

	@Test
	void anAgentWhosePolicyRequiresDpopGetsNoBearerTokenAndOneThatRequiresItsOwnKeyNoTokenForAnotherKey()
			throws Exception {
		TestAgent dpop = registerWithProofOfPossession("dpop");
		assertRefused(this.provider.postForm("/oauth2/token", dpop.tokenForm("crm:read")), "invalid_dpop_proof",
				"proofOfPossession is dpop");
		HttpResponse<String> withProof = this.provider.postFormWithHeaders("/oauth2/token", dpop.tokenForm("crm:read"),
				"DPoP", proof());
		assertThat(withProof.statusCode()).as(withProof.body()).isEqualTo(200);
		assertThat(TestHttp.json(withProof).get("token_type").asString()).isEqualTo("DPoP");

		TestAgent registered = registerWithProofOfPossession("dpop-registered-key");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", registered.tokenForm("crm:read"), "DPoP", proof()),
				"invalid_dpop_proof", "signed by one of the agent's registered keys");
		HttpResponse<String> ownKey = this.provider.postFormWithHeaders("/oauth2/token",
				registered.tokenForm("crm:read"), "DPoP", proofBy(registered.key()));
		assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(200);
		assertThat(
				TestHttp.claims(TestHttp.json(ownKey).get("access_token").asString()).get("cnf").get("jkt").asString())
			.isEqualTo(registered.key().computeThumbprint().toString());
		// the document shows the policy; an unknown value is refused naming the member
		HttpResponse<String> unknown = this.provider.postJson("/admin/v1/agents",
				"{\"name\":\"pop-bad\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"crm:read\","
						+ "\"riskLevel\":\"low\"}],\"tokenPolicy\":{\"proofOfPossession\":\"mtls\"},\"generateKey\":true}",
				this.admin);
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(unknown).get("detail").asString())
			.contains("tokenPolicy.proofOfPossession: must be one of none|dpop|dpop-registered-key");
	}

	private TestAgent registerWithProofOfPossession(String proofOfPossession) throws Exception {
		HttpResponse<String> registered = this.provider.agents(this.admin)
			.document("pop")
			.edit((document) -> document.put("owner", "o@example.com"))
			.scopes("crm:read")
			.tokenPolicy((policy) -> policy.put("proofOfPossession", proofOfPossession))
			.post();
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		JsonNode document = TestHttp.json(registered);
		assertThat(document.get("tokenPolicy").get("proofOfPossession").asString()).isEqualTo(proofOfPossession);
		return TestAgent.of(document, this.provider.issuer());
	}

	/**
	 * A proof of {@code POST /oauth2/token} by the test's key (RFC 9449 §4.2), changed
	 * last.
	 */
	private String proof(Consumer<JWTClaimsSet.Builder> claims) {
		return TestAgent.dpopProof(this.proofKey, "POST", this.provider.issuer() + "/oauth2/token", null, claims);
	}

	private String proof() {
		return proof((claims) -> {
		});
	}

	private String proofBy(OctetKeyPair key) {
		return TestAgent.dpopProof(key, "POST", this.provider.issuer() + "/oauth2/token");
	}

	private static void assertRefused(HttpResponse<String> response, String error, String description) {
		TestAssertions.assertOAuthError(response, 400, error, description);
	}

}
