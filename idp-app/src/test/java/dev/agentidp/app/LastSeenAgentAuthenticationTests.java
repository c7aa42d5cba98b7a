package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent this node has seen is authenticated on the version it last saw, confirmed in
 * the statement that records the assertion's first use
 * ({@code LastSeenAgentAuthentication}, issue 22). Whatever changed meanwhile, on this
 * node or another (here: written straight into the database, as another node would), the
 * answer is the one the registry's agent gets: a suspension refuses at once, a new
 * document is the one the token is issued on, a key added since is accepted, and a
 * refusal is answered and audited once.
 */
class LastSeenAgentAuthenticationTests extends PolicyTestSupport {

	private static final String SCOPE = "github:create_pr";

	private HttpResponse<String> request(TestAgent agent) {
		return this.http.postForm("/oauth2/token", null, null, agent.form("EdDSA", SCOPE));
	}

	/** The agent as this node has seen it: one token issued. */
	private TestAgent seen(String prefix) {
		TestAgent agent = registerToolAgent(prefix);
		HttpResponse<String> first = request(agent);
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		return agent;
	}

	private long denials(TestAgent agent) {
		return this.jdbc.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND decision = 'deny'")
			.param(agent.id())
			.query(Long.class)
			.single();
	}

	private static long agentVersion(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode claims = TestHttp.part(TestHttp.json(response).get("access_token").asString(), 1);
		return claims.get("agent_version").asLong();
	}

	@Test
	void anAgentSuspendedOnAnotherNodeIsRefusedAtOnceAndAsIfNeverSeen() {
		TestAgent agent = seen("seen-suspended");
		String token = TestHttp.json(request(agent)).get("access_token").asString();
		long denied = denials(agent);
		this.jdbc.sql("UPDATE agent SET status = 'suspended', version = version + 1 WHERE id = ?")
			.param(UUID.fromString(agent.id()))
			.update();
		// revocation: no hold later in the request would catch what authentication let in
		HttpResponse<String> refused = this.http.postForm("/oauth2/revoke", null, null, agent.tokenAuthForm(token));
		// the node no longer guesses: this one is decided on the registry's answer alone
		HttpResponse<String> again = this.http.postForm("/oauth2/revoke", null, null, agent.tokenAuthForm(token));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		assertThat(TestHttp.json(refused).get("error").asString()).isEqualTo("invalid_client");
		assertThat(refused.body()).isEqualTo(again.body());
		assertThat(request(agent).statusCode()).isEqualTo(401);
		assertThat(denials(agent)).as("one denial audited per request").isEqualTo(denied + 3);
	}

	@Test
	void aDocumentChangedOnAnotherNodeIsTheOneTheTokenIsIssuedOn() {
		TestAgent agent = seen("seen-changed");
		long before = agentVersion(request(agent));
		this.jdbc.sql("UPDATE agent SET version = version + 1 WHERE id = ?")
			.param(UUID.fromString(agent.id()))
			.update();
		assertThat(agentVersion(request(agent))).isEqualTo(before + 1);
		assertThat(agentVersion(request(agent))).isEqualTo(before + 1);
	}

	@Test
	void aKeyAddedSinceTheNodeLastSawTheAgentAuthenticates() {
		TestAgent agent = seen("seen-new-key");
		OctetKeyPair newKey = TestAgent.newKey();
		HttpResponse<String> added = this.http.postJson("/admin/v1/agents/" + agent.id() + "/keys",
				"{\"jwk\": " + newKey.toPublicJWK().toJSONString() + "}", admin().token());
		assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
		long version = TestHttp.json(added).get("version").asLong();
		TestAgent rotated = new TestAgent(agent.id(), newKey, agent.audience());
		assertThat(agentVersion(request(rotated))).isEqualTo(version);
		assertThat(agentVersion(request(agent))).as("the first key still works").isEqualTo(version);
	}

	/**
	 * The decoder built for an agent version is kept ({@code ClientAssertionDecoders})
	 * only until a retiring key's grace period ends.
	 */
	@Test
	void aRetiringKeyIsRefusedOnceItsGracePeriodEndsThoughTheDecoderWasKept() throws InterruptedException {
		TestAgent agent = seen("seen-retiring");
		OctetKeyPair newKey = TestAgent.newKey();
		HttpResponse<String> added = this.http.postJson("/admin/v1/agents/" + agent.id() + "/keys",
				"{\"jwk\": " + newKey.toPublicJWK().toJSONString() + "}", admin().token());
		assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
		HttpResponse<String> retiring = admin()
			.delete("/admin/v1/agents/" + agent.id() + "/keys/" + agent.key().getKeyID() + "?graceSeconds=2");
		assertThat(retiring.statusCode()).as(retiring.body()).isEqualTo(200);
		Instant end = Instant.parse(TestHttp.json(retiring)
			.get("keys")
			.valueStream()
			.filter((key) -> key.get("kid").asString().equals(agent.key().getKeyID()))
			.findFirst()
			.orElseThrow()
			.get("expiresAt")
			.asString());
		TestAgent rotated = new TestAgent(agent.id(), newKey, agent.audience());
		assertThat(request(agent).statusCode()).as("within the grace period").isEqualTo(200);
		assertThat(request(rotated).statusCode()).isEqualTo(200);
		Thread.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 300);
		HttpResponse<String> refused = request(agent);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		assertThat(TestHttp.json(refused).get("error_description").asString())
			.contains("signed with a key registered for the client");
		assertThat(request(rotated).statusCode()).isEqualTo(200);
	}

	@Test
	void aReplayedAssertionIsRefusedAndAuditedOnce() {
		TestAgent agent = seen("seen-replay");
		long denied = denials(agent);
		Map<String, String> form = agent.form("EdDSA", SCOPE);
		assertThat(this.http.postForm("/oauth2/token", null, null, form).statusCode()).isEqualTo(200);
		HttpResponse<String> replayed = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
		assertThat(TestHttp.json(replayed).get("error_description").asString()).contains("replayed jti");
		assertThat(denials(agent)).isEqualTo(denied + 1);
	}

}
