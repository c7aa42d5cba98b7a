package dev.agentidp.app.registry;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One administrator's journey with one agent, end to end over HTTP: register, patch
 * twice, list the versions, rotate the key with a grace period, suspend, resume, retire,
 * and a resume that is refused because retirement is final.
 */
class AgentJourneyTests extends AdminApiTestSupport {

	@Test
	void registerPatchRotateSuspendResumeRetire() {
		String agents = "/admin/v1/agents";
		HttpResponse<String> registered = this.api.post(agents,
				document(uniqueName("journey"), "journey@example.com").toString());
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		JsonNode agent = TestHttp.json(registered);
		String self = agents + "/" + agent.get("id").asString();
		String firstKid = agent.get("keys").get(0).get("kid").asString();

		HttpResponse<String> patched = this.api.patch(self, "{\"description\": \"Answers and triages tickets\"}",
				registered.headers().firstValue("ETag").orElseThrow());
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		HttpResponse<String> transferred = this.api.patch(self, "{\"owner\": \"new-owner@example.com\"}",
				patched.headers().firstValue("ETag").orElseThrow());
		assertThat(transferred.statusCode()).as(transferred.body()).isEqualTo(200);
		assertThat(transferred.headers().firstValue("ETag")).contains("\"3\"");

		JsonNode versions = TestHttp.json(this.api.get(self + "/versions"));
		assertThat(versions.get("items")).extracting((doc) -> doc.get("version").intValue()).containsExactly(3, 2, 1);
		assertThat(versions.get("items").get(0).get("owner").asString()).isEqualTo("new-owner@example.com");
		assertThat(versions.get("items").get(2).get("owner").asString()).isEqualTo("journey@example.com");

		HttpResponse<String> added = this.api.post(self + "/keys", "{\"generateKey\": true}");
		assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
		assertThat(TestHttp.json(added).get("privateJwk")).isNotNull();
		HttpResponse<String> rotated = this.api.delete(self + "/keys/" + firstKid + "?graceSeconds=600");
		assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
		JsonNode keys = TestHttp.json(rotated).get("keys");
		assertThat(keys.get(0).get("status").asString()).isEqualTo("retiring");
		assertThat(keys.get(1).get("status").asString()).isEqualTo("active");

		assertThat(status(this.api.post(self + "/suspend", "{\"reason\": \"incident 42\"}"))).isEqualTo("suspended");
		assertThat(status(this.api.post(self + "/resume", "{\"reason\": \"incident closed\"}"))).isEqualTo("active");
		HttpResponse<String> retired = this.api.post(self + "/retire", "{\"reason\": \"replaced\"}");
		assertThat(status(retired)).isEqualTo("retired");
		assertThat(TestHttp.json(retired).get("version").intValue()).isEqualTo(8);

		HttpResponse<String> refused = this.api.post(self + "/resume", "{\"reason\": \"try again\"}");
		assertProblem(refused, 409, "retirement is final");
		assertThat(TestHttp.json(this.api.get(self)).get("status").asString()).isEqualTo("retired");
		assertThat(TestHttp.json(this.api.get(self + "/versions")).get("items")).hasSize(8);

		// every change was recorded on the agent's own chain, in the transaction of the
		// change; the refused resume changed nothing
		HttpResponse<String> audit = this.api.get("/admin/v1/audit?limit=50&chain=" + agent.get("id").asString());
		assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
		List<String> actions = new ArrayList<>();
		TestHttp.json(audit).get("items").forEach((record) -> actions.add(record.get("action").asString()));
		// (other modules record on the chain too, e.g. token.revoked on suspend and
		// retire)
		assertThat(actions.stream().filter((action) -> action.startsWith("agent.") || action.startsWith("key.")))
			.containsExactlyInAnyOrder("agent.registered", "agent.updated", "agent.updated", "key.added", "key.retired",
					"agent.suspended", "agent.resumed", "agent.retired");
		assertThat(audit.body()).contains("ownerTransfer").contains("idp-admin");
		assertThat(TestHttp.json(this.api.get("/admin/v1/audit/verify")).get("valid").booleanValue()).isTrue();
	}

	private static String status(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response).get("status").asString();
	}

}
