package dev.agentidp.app.registry;

import java.util.List;

import dev.agentidp.app.RequestBodies;
import dev.agentidp.registry.InvalidInputException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code PATCH} of an identity document: what a patch may name, and RFC 7396 merge
 * patches. Moved here from the registry's tests when the merge moved to the edge (issue
 * 15, item 1).
 */
class AgentPatchTests {

	private static JsonNode json(String text) {
		return RequestBodies.JSON.readTree(text);
	}

	@Test
	void mergePatchFollowsRfc7396() {
		// RFC 7396 Appendix A examples
		assertThat(patch("{\"a\":\"b\"}", "{\"a\":\"c\"}")).isEqualTo("{\"a\":\"c\"}");
		assertThat(patch("{\"a\":\"b\"}", "{\"b\":\"c\"}")).isEqualTo("{\"a\":\"b\",\"b\":\"c\"}");
		assertThat(patch("{\"a\":\"b\"}", "{\"a\":null}")).isEqualTo("{}");
		assertThat(patch("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}")).isEqualTo("{\"b\":\"c\"}");
		assertThat(patch("{\"a\":[\"b\"]}", "{\"a\":\"c\"}")).isEqualTo("{\"a\":\"c\"}");
		assertThat(patch("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}"))
			.isEqualTo("{\"a\":{\"b\":\"d\"}}");
		assertThat(patch("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}")).isEqualTo("{\"a\":[1]}");
		assertThat(patch("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}")).isEqualTo("{\"a\":{\"bb\":{}}}");
		assertThat(patch("[\"a\",\"b\"]", "[\"c\",\"d\"]")).isEqualTo("[\"c\",\"d\"]");
		assertThat(patch("{\"e\":null}", "{\"a\":1}")).isEqualTo("{\"e\":null,\"a\":1}");
	}

	@Test
	void theTargetIsNotModified() {
		JsonNode target = json("{\"a\":{\"b\":\"c\"}}");
		AgentPatch.apply(target, json("{\"a\":{\"b\":null}}"));
		assertThat(target.toString()).isEqualTo("{\"a\":{\"b\":\"c\"}}");
	}

	@Test
	void aPatchNamesOnlyWritableMembers() {
		for (String field : List.of("id", "status", "version", "riskLevel", "parentId", "keys", "createdAt",
				"updatedAt")) {
			assertThatExceptionOfType(InvalidInputException.class)
				.isThrownBy(() -> AgentPatch.check(json("{\"team\": \"x\", \"" + field + "\": null}")))
				.withMessage(field + ": is set by the server and cannot be changed");
		}
		for (String field : List.of("unknown", "jwk", "generateKey", "privateJwk")) {
			assertThatExceptionOfType(InvalidInputException.class)
				.isThrownBy(() -> AgentPatch.check(json("{\"" + field + "\": 1}")))
				.withMessage(field + ": is not a writable field of the identity document");
		}
		for (String body : List.of("[]", "\"team\"", "42", "null")) {
			assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> AgentPatch.check(json(body)))
				.withMessage("body: must be a JSON merge patch object");
		}
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> AgentPatch.check(null))
			.withMessage("body: must be a JSON merge patch object");
		for (String field : AgentDocumentRequest.WRITABLE) {
			AgentPatch.check(json("{\"" + field + "\": null}"));
		}
	}

	@Test
	void thePatchedDocumentIsCheckedAsARegistrationsIs() {
		JsonNode current = json("""
				{"name": "a", "owner": "o@example.com", "team": "t",
				 "capabilities": [{"scope": "crm:read", "description": null, "riskLevel": "low"}],
				 "tokenPolicy": {"defaultTtlSeconds": 900, "maxTtlSeconds": 3600, "maxDelegationDepth": 3,
				                 "maxSubAgents": 100}}""");
		assertThat(RequestBodies.refused(AgentPatch.apply(current, json("{\"capabilities\": null}")).toString(),
				AgentDocumentRequest.class))
			.isEqualTo("capabilities: is required: at least one capability");
		assertThat(RequestBodies.refused(
				AgentPatch.apply(current, json("{\"tokenPolicy\": {\"maxTtlSeconds\": 90000}}")).toString(),
				AgentDocumentRequest.class))
			.isEqualTo("tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)");
		assertThat(RequestBodies.refused(AgentPatch.apply(current, json("{\"owner\": \"nope\"}")).toString(),
				AgentDocumentRequest.class))
			.startsWith("owner: must be an email address");
		assertThat(RequestBodies
			.read(AgentPatch.apply(current, json("{\"team\": null, \"role\": \"r\"}")).toString(),
					AgentDocumentRequest.class)
			.toProfile()
			.team()).isNull();
	}

	private static String patch(String target, String patch) {
		return AgentPatch.apply(json(target), json(patch)).toString();
	}

}
