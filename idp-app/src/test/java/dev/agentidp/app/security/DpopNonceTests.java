package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
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
 * DPoP server nonces at the token endpoint (RFC 9449 §8, issue 17), on two nodes with
 * {@code idp.tokens.dpop-nonce.enabled}: a proof without a nonce, with a forged one or an
 * expired one is refused with {@code use_dpop_nonce} and a fresh nonce in the
 * {@code DPoP-Nonce} header, audited, and nothing is issued; a proof with that nonce is
 * accepted, on the other node too (the key is shared through PostgreSQL), and the token
 * response carries a fresh nonce. Nonces are off by default ({@link DpopTokenTests}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpopNonceTests {

	private static final String NONCE = "DPoP-Nonce";

	@TempDir
	static Path dataA;

	@TempDir
	static Path dataB;

	private TestProvider a;

	private TestProvider b;

	private String admin;

	private final OctetKeyPair proofKey = TestAgent.newKey();

	@BeforeAll
	void start() {
		List<TestProvider> nodes = TestProvider.twoNodes(dataA, dataB, "idp.tokens.dpop-nonce.enabled", "true");
		this.a = nodes.get(0);
		this.b = nodes.get(1);
		this.admin = this.a.adminToken();
	}

	@AfterAll
	void stop() {
		TestProvider.closeAll(this.a, this.b);
	}

	@Test
	void aProofWithoutANonceGetsUseDpopNonceWithAFreshOneThatIsThenAcceptedOnEitherNode() {
		TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
		Map<String, Long> before = this.a.guardedRows();
		HttpResponse<String> refused = request(this.a, agent, proof(null));
		// RFC 9449 §8: 400 use_dpop_nonce, the nonce to use in the DPoP-Nonce header
		TestAssertions.assertOAuthError(refused, 400, "use_dpop_nonce", "needs a nonce");
		String nonce = refused.headers().firstValue(NONCE).orElseThrow();
		assertThat(this.a.guardedRows()).as("nothing issued").isEqualTo(before);
		assertThat(this.a.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied'"
					+ " AND details->>'error' = 'use_dpop_nonce'")
			.param(agent.id())
			.query(Long.class)
			.single()).as("the refusal is audited on the agent's chain").isEqualTo(1);

		HttpResponse<String> issued = request(this.a, agent, proof(nonce));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		assertThat(TestHttp.json(issued).get("token_type").asString()).isEqualTo("DPoP");
		// §8.2: the token response carries a fresh nonce for the next proof
		String next = issued.headers().firstValue(NONCE).orElseThrow();
		assertThat(next).matches("[A-Za-z0-9_-]+");

		// the other node accepts the first node's nonces: no sticky sessions
		HttpResponse<String> onB = request(this.b, agent, proof(nonce));
		assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
		assertThat(onB.headers().firstValue(NONCE)).isPresent();
		HttpResponse<String> nextOnB = request(this.b, agent, proof(next));
		assertThat(nextOnB.statusCode()).as(nextOnB.body()).isEqualTo(200);
	}

	@Test
	void aForgedOrExpiredNonceIsRefusedWithAFreshOne() throws Exception {
		TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
		String valid = request(this.a, agent, proof(null)).headers().firstValue(NONCE).orElseThrow();
		byte[] bytes = Base64.getUrlDecoder().decode(valid);
		bytes[bytes.length - 1] ^= 1;
		String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		HttpResponse<String> forgedAnswer = request(this.b, agent, proof(forged));
		TestAssertions.assertOAuthError(forgedAnswer, 400, "use_dpop_nonce", "not issued by this provider");
		assertThat(forgedAnswer.headers().firstValue(NONCE)).isPresent();
		TestAssertions.assertOAuthError(request(this.a, agent, proof("made-up")), 400, "use_dpop_nonce",
				"not issued by this provider");
		// a nonce the provider did issue, six minutes ago (the lifetime is five)
		HttpResponse<String> expired = request(this.a, agent,
				proof(issuedAt(Instant.now().minusSeconds(360).getEpochSecond())));
		TestAssertions.assertOAuthError(expired, 400, "use_dpop_nonce", "has expired");
		assertThat(expired.headers().firstValue(NONCE)).isPresent();
		// the same, issued a minute ago, is good: the test computes nonces as the
		// provider does
		assertThat(
				request(this.a, agent, proof(issuedAt(Instant.now().minusSeconds(60).getEpochSecond()))).statusCode())
			.isEqualTo(200);
	}

	@Test
	void anAgentWhosePolicyRequiresDpopIsToldToSendAProofAndGivenTheNonceForIt() throws Exception {
		HttpResponse<String> registered = this.a.agents(this.admin)
			.document("pop")
			.edit((document) -> document.put("owner", "o@example.com"))
			.scopes("crm:read")
			.tokenPolicy((policy) -> policy.put("proofOfPossession", "dpop"))
			.post();
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		TestAgent agent = TestAgent.of(TestHttp.json(registered), this.a.issuer());
		HttpResponse<String> withoutProof = this.a.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		// RFC 9449 §7.1 and §8: the missing proof is the error; the nonce lets the first
		// proof be accepted
		TestAssertions.assertOAuthError(withoutProof, 400, "invalid_dpop_proof", "needs a DPoP proof");
		String nonce = withoutProof.headers().firstValue(NONCE).orElseThrow();
		assertThat(request(this.a, agent, proof(nonce)).statusCode()).isEqualTo(200);
	}

	@Test
	void aTokenExchangesProofNeedsANonceToo() {
		TestAgent parent = this.a.registerAgent(this.admin, "crm:read");
		String nonce = request(this.a, parent, proof(null)).headers().firstValue(NONCE).orElseThrow();
		HttpResponse<String> issued = request(this.a, parent, proof(nonce));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String bound = TestHttp.json(issued).get("access_token").asString();
		Map<String, String> exchange = parent.exchangeForm(bound, "nonce-child", "crm:read");
		HttpResponse<String> refused = this.b.postFormWithHeaders("/oauth2/token", exchange, "DPoP", proof(null));
		TestAssertions.assertOAuthError(refused, 400, "use_dpop_nonce", "needs a nonce");
		String fresh = refused.headers().firstValue(NONCE).orElseThrow();
		HttpResponse<String> child = this.b.postFormWithHeaders("/oauth2/token",
				parent.exchangeForm(bound, "nonce-child", "crm:read"), "DPoP", proof(fresh));
		assertThat(child.statusCode()).as(child.body()).isEqualTo(200);
		assertThat(TestHttp.json(child).get("token_type").asString()).isEqualTo("DPoP");
		assertThat(child.headers().firstValue(NONCE)).isPresent();
	}

	@Test
	void aBearerRequestNeedsNoNonce() {
		TestAgent agent = this.a.registerAgent(this.admin, "crm:read");
		HttpResponse<String> bearer = this.a.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(bearer);
		assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
	}

	private HttpResponse<String> request(TestProvider node, TestAgent agent, String proof) {
		return node.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP", proof);
	}

	/**
	 * A proof of {@code POST /oauth2/token} at the shared issuer, with the nonce given.
	 */
	private String proof(String nonce) {
		return TestAgent.dpopProof(this.proofKey, "POST", this.a.issuer() + "/oauth2/token", null, (claims) -> {
			if (nonce != null) {
				claims.claim("nonce", nonce);
			}
		});
	}

	/**
	 * A nonce as the provider issues it (docs/tokens.md): base64url of the issue time (8
	 * bytes) and the first 16 bytes of HMAC-SHA256 under the shared key.
	 */
	private String issuedAt(long epochSecond) throws Exception {
		byte[] key = this.a.jdbc().sql("SELECT secret FROM dpop_nonce_key").query(byte[].class).single();
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(key, "HmacSHA256"));
		byte[] time = ByteBuffer.allocate(8).putLong(epochSecond).array();
		mac.update("dpop-nonce:".getBytes(StandardCharsets.US_ASCII));
		byte[] tag = Arrays.copyOf(mac.doFinal(time), 16);
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(ByteBuffer.allocate(24).put(time).put(tag).array());
	}

}
