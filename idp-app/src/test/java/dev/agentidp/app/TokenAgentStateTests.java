package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A presented token's agent is checked in the statement that reads the token's row (V29's
 * {@code agent_active_version}): a token whose row is live is inactive at introspection
 * and {@code token_inactive} at the policy decision point while its agent or an ancestor
 * is not active, and active again once they are, with nothing cached between requests.
 * The agent's status is changed in the table itself, so that no revocation of the token's
 * row (which a suspension also makes) hides the check.
 */
class TokenAgentStateTests extends PolicyTestSupport {

	@Test
	void aLiveTokenIsInactiveWhileItsAgentOrAnAncestorIsNotActive() {
		TestAgent parent = registerToolAgent("agent-state");
		String parentToken = token(parent, "github:create_pr", GITHUB);
		String[] sub = exchange(parent, parentToken, "agent-state-sub", "github:create_pr");
		String subId = sub[0];
		String subToken = sub[1];
		assertThat(introspect(parentToken).get("active").asBoolean()).isTrue();
		assertThat(introspect(subToken).get("active").asBoolean()).isTrue();
		assertThat(decide(subId, subToken).get("decision").asBoolean()).isTrue();

		setStatus(parent.id(), "suspended");
		assertThat(introspect(parentToken).get("active").asBoolean()).isFalse();
		assertThat(introspect(subToken).get("active").asBoolean()).isFalse();
		JsonNode denied = decide(subId, subToken);
		assertThat(denied.get("decision").asBoolean()).isFalse();
		assertThat(denied.get("context").get("code").asString()).isEqualTo("token_inactive");

		setStatus(parent.id(), "active");
		setStatus(subId, "suspended");
		assertThat(introspect(parentToken).get("active").asBoolean()).isTrue();
		assertThat(introspect(subToken).get("active").asBoolean()).isFalse();
		assertThat(decide(subId, subToken).get("context").get("code").asString()).isEqualTo("token_inactive");

		setStatus(subId, "active");
		assertThat(introspect(subToken).get("active").asBoolean()).isTrue();
		assertThat(decide(subId, subToken).get("decision").asBoolean()).isTrue();
	}

	private void setStatus(String agentId, String status) {
		assertThat(this.jdbc.sql("UPDATE agent SET status = ? WHERE id = ?")
			.params(status, UUID.fromString(agentId))
			.update()).isEqualTo(1);
	}

	private JsonNode introspect(String token) {
		HttpResponse<String> response = this.http.postForm("/oauth2/introspect", RS, RS_SECRET, Map.of("token", token));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response);
	}

	private JsonNode decide(String agentId, String token) {
		return evaluate(evaluation(agentId, token, "tool", "github", "create_pr", null));
	}

}
