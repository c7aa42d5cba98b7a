package dev.agentidp.app;

import java.net.URI;
import java.net.http.HttpRequest;
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
import dev.agentidp.dpop.DpopProofVerifier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, item 4: for a DPoP-bound token ({@code cnf.jkt}) the policy decision point
 * requires {@code subject.properties.dpop_proof}, {@code htm} and {@code htu} and
 * verifies the proof itself (RFC 9449 §4.3 with {@code ath}, single use, the key of
 * {@code cnf.jkt}), so that a tool server that only asks the PDP is protected too; every
 * refusal is a decision, {@code proof_invalid}, audited as {@code access.evaluated}.
 */
class PolicyDpopIntegrationTests extends PolicyTestSupport {

	private static final String CALL = "https://mcp.example.com/github/mcp";

	private final OctetKeyPair key = TestAgent.newKey();

	@Test
	void aDpopBoundTokenWithAFreshProofOfItsKeyIsAllowed() {
		TestAgent agent = registerToolAgent("dpop-allowed");
		String token = dpopToken(agent, this.key, "github:create_pr", GITHUB);
		JsonNode answer = evaluate(body(agent.id(), token, proof(this.key, token, (claims) -> {
		}), "POST", CALL));
		assertThat(answer.get("decision").asBoolean()).as(answer.toString()).isTrue();
		assertThat(answer.get("context").get("code").asString()).isEqualTo("allowed");
	}

	@Test
	void everyProofProblemIsDeniedProofInvalidAndAudited() throws JOSEException {
		TestAgent agent = registerToolAgent("dpop-refused");
		String token = dpopToken(agent, this.key, "github:create_pr", GITHUB);
		long before = TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated");
		// no proof at all: a decision, not a 400
		assertProofInvalid(evaluation(agent.id(), token, "tool", "github", "create_pr", null), "no verified");
		// a proof without the call's htm and htu
		String fresh = proof(this.key, token, (claims) -> {
		});
		assertProofInvalid(body(agent.id(), token, fresh, null, null), "htm and htu");
		// a proof for another method, another URI, without ath, with another token's ath
		assertProofInvalid(body(agent.id(), token, proof(this.key, token, (claims) -> {
		}), "GET", CALL), "htm does not match");
		assertProofInvalid(body(agent.id(), token, proof(this.key, token, (claims) -> {
		}), "POST", "https://mcp.example.com/jira/mcp"), "htu does not match");
		assertProofInvalid(
				body(agent.id(), token, proof(this.key, token, (claims) -> claims.claim("ath", null)), "POST", CALL),
				"ath does not match");
		assertProofInvalid(body(agent.id(), token,
				proof(this.key, token, (claims) -> claims.claim("ath", DpopProofVerifier.sha256("another"))), "POST",
				CALL), "ath does not match");
		// stale
		assertProofInvalid(body(agent.id(), token,
				proof(this.key, token, (claims) -> claims.issueTime(new Date(System.currentTimeMillis() - 600_000))),
				"POST", CALL), "outside the accepted window");
		// a proof by another key than cnf.jkt
		OctetKeyPair other = TestAgent.newKey();
		assertProofInvalid(body(agent.id(), token, proof(other, token, (claims) -> {
		}), "POST", CALL), other.computeThumbprint().toString());
		// a proof over 8 KiB
		assertProofInvalid(body(agent.id(), token, "x".repeat(8 * 1024 + 1), "POST", CALL), "larger than 8 KiB");
		// a replayed proof: allowed once, then refused
		String once = proof(this.key, token, (claims) -> {
		});
		assertThat(evaluate(body(agent.id(), token, once, "POST", CALL)).get("decision").asBoolean()).isTrue();
		assertProofInvalid(body(agent.id(), token, once, "POST", CALL), "used before");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "access.evaluated")).isEqualTo(before + 11);
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'"
				+ " AND decision = 'deny' AND reason LIKE 'proof_invalid: %' AND details->>'code' = 'proof_invalid'")
			.param(agent.id())
			.query(Long.class)
			.single()).isEqualTo(10);
		// the proof's jti is kept in the provider's replay store, under its own prefix
		assertThat(this.jdbc.sql("SELECT count(*) FROM client_assertion WHERE client_id = ?")
			.param("pdp-dpop:" + this.key.computeThumbprint())
			.query(Long.class)
			.single()).as("the one proof that verified").isEqualTo(1);
	}

	@Test
	void aBearerTokenNeedsNoProofAndAProofBesideItIsIgnored() {
		TestAgent agent = registerToolAgent("dpop-bearer");
		String token = token(agent, "github:create_pr", GITHUB);
		assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", null)).get("decision")
			.asBoolean()).isTrue();
		// a bearer token is bound to nothing: there is no key for a proof to prove
		assertThat(evaluate(body(agent.id(), token, "not-a-proof", "POST", CALL)).get("decision").asBoolean()).isTrue();
	}

	@Test
	void aBatchVerifiesItsProofOnceAndSearchesCheckItWithoutUsingItUp() {
		TestAgent agent = registerToolAgent("dpop-batch");
		String token = dpopToken(agent, this.key, "github:create_pr jira:create_issue", GITHUB, JIRA);
		String proof = proof(this.key, token, (claims) -> {
		});
		String subject = subject(agent.id(), token, proof, "POST", CALL);
		JsonNode batch = TestHttp.json(post("/access/v1/evaluations", "{" + subject
				+ ", \"evaluations\": [{\"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\","
				+ " \"id\": \"github\"}}, {\"action\": {\"name\": \"create_issue\"}, \"resource\": {\"type\":"
				+ " \"tool\", \"id\": \"jira\"}}]}"));
		assertThat(batch.get("evaluations").get(0).get("decision").asBoolean()).as(batch.toString()).isTrue();
		assertThat(batch.get("evaluations").get(1).get("decision").asBoolean()).as(batch.toString()).isTrue();
		String search = proof(this.key, token, (claims) -> {
		});
		String searchBody = "{" + subject(agent.id(), token, search, "POST", CALL) + ", \"resource\": {\"type\":"
				+ " \"tool\", \"id\": \"github\"}}";
		for (int i = 0; i < 2; i++) {
			JsonNode actions = TestHttp.json(post("/access/v1/search/action", searchBody));
			assertThat(actions.get("results").size()).as(actions.toString()).isEqualTo(1);
			assertThat(actions.get("results").get(0).get("name").asString()).isEqualTo("create_pr");
		}
		// without a proof, a search lists nothing for a bound token
		JsonNode unproven = TestHttp.json(post("/access/v1/search/resource",
				"{" + subject(agent.id(), token, null, null, null) + ", \"resource\": {\"type\": \"tool\"}}"));
		assertThat(unproven.get("results").size()).as(unproven.toString()).isZero();
	}

	@Test
	void anHtmThatIsNotAStringIsMalformed() {
		TestAgent agent = registerToolAgent("dpop-malformed");
		String token = dpopToken(agent, this.key, "github:create_pr", GITHUB);
		String body = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token
				+ "\", \"dpop_proof\": \"a.b.c\", \"htm\": [\"POST\"], \"htu\": \"" + CALL
				+ "\"}}, \"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\", \"id\": \"github\"}}";
		HttpResponse<String> response = post("/access/v1/evaluation", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error_description").asString())
			.isEqualTo("subject.properties.htm: must be a string");
	}

	// --- helpers ---------------------------------------------------------------------

	private void assertProofInvalid(String body, String reason) {
		JsonNode answer = evaluate(body);
		assertThat(answer.get("decision").asBoolean()).as(answer.toString()).isFalse();
		assertThat(answer.get("context").get("code").asString()).as(answer.toString()).isEqualTo("proof_invalid");
		assertThat(answer.get("context").get("reason_admin").get("en").asString()).as(answer.toString())
			.contains(reason);
		assertThat(answer.get("context").get("reason_user").get("en").asString()).isNotBlank();
	}

	private static String subject(String agentId, String token, String proof, String htm, String htu) {
		StringBuilder properties = new StringBuilder("\"token\": \"" + token + "\"");
		if (proof != null) {
			properties.append(", \"dpop_proof\": \"").append(proof).append('"');
		}
		if (htm != null) {
			properties.append(", \"htm\": \"").append(htm).append('"');
		}
		if (htu != null) {
			properties.append(", \"htu\": \"").append(htu).append('"');
		}
		return "\"subject\": {\"type\": \"agent\", \"id\": \"" + agentId + "\", \"properties\": {" + properties + "}}";
	}

	private static String body(String agentId, String token, String proof, String htm, String htu) {
		return "{" + subject(agentId, token, proof, htm, htu)
				+ ", \"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\", \"id\": \"github\"}}";
	}

	/** A token bound to {@code key}: the token request carries a proof of it. */
	private String dpopToken(TestAgent agent, OctetKeyPair key, String scope, String... resources) {
		Map<String, String> form = agent.form("EdDSA", scope);
		StringBuilder body = new StringBuilder(TestHttp.encode(form));
		for (String resource : resources) {
			body.append("&resource=").append(TestHttp.enc(resource));
		}
		String htu = this.http.baseUrl() + "/oauth2/token";
		HttpResponse<String> response = this.http.send(this.http.request("/oauth2/token")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("DPoP", TestAgent.dpopProof(key, "POST", htu))
			.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(response);
		assertThat(answer.get("token_type").asString()).isEqualTo("DPoP");
		return answer.get("access_token").asString();
	}

	/** A proof of {@code key} for {@code POST CALL} with the token's {@code ath}. */
	private static String proof(OctetKeyPair key, String token, Consumer<JWTClaimsSet.Builder> changes) {
		return TestAgent.dpopProof(key, "POST", CALL, token, changes);
	}

}
