package dev.agentidp.registry;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading and writing identity documents: every rule names its field.
 */
class AgentDocumentsTests {

	private static final Set<String> KEY_FIELDS = Set.of("jwk", "generateKey");

	private static InvalidInputException rejected(JsonNode doc) {
		try {
			AgentDocuments.readProfile(doc, KEY_FIELDS);
		}
		catch (InvalidInputException ex) {
			return ex;
		}
		throw new AssertionError("accepted: " + doc);
	}

	private static ObjectNode doc() {
		return TestAgents.document("agent-1", "Owner@Example.com");
	}

	@Test
	void fullDocumentIsRead() {
		AgentProfile profile = AgentDocuments.readProfile(doc(), KEY_FIELDS);
		assertThat(profile.name()).isEqualTo("agent-1");
		assertThat(profile.owner()).isEqualTo("owner@example.com");
		assertThat(profile.environment()).isEqualTo(Environment.PROD);
		assertThat(profile.capabilities()).hasSize(2);
		assertThat(profile.tools().get(0).mcpServer()).isEqualTo("https://mcp.example.com/github");
		assertThat(profile.dataAccess().get(0).sensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
		assertThat(profile.humanOversight().approvers()).containsExactly("finance-lead");
		assertThat(profile.tokenPolicy()).isEqualTo(TokenPolicy.DEFAULT);
		assertThat(profile.riskLevel()).isEqualTo(RiskLevel.MEDIUM);
	}

	@Test
	void tokenPolicyDefaultsAre900And3600And3() {
		assertThat(TokenPolicy.DEFAULT).isEqualTo(new TokenPolicy(900, 3600, 3));
		ObjectNode doc = doc();
		doc.putObject("tokenPolicy").put("maxTtlSeconds", 600);
		assertThat(AgentDocuments.readProfile(doc, KEY_FIELDS).tokenPolicy()).isEqualTo(new TokenPolicy(600, 600, 3));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					owner       | null                       | owner: is required
					owner       | "not-an-email"             | owner: must be an email address
					owner       | "a b@example.com"          | owner: must be an email address
					name        | null                       | name: is required
					name        | "has space"                | name: must match [A-Za-z0-9._-]{1,64}
					name        | "x/y"                      | name: must match
					name        | 42                         | name: must be a string
					environment | "production"               | environment: must be one of dev
					team        | "a\\u0007b"                | team: must not contain control characters
					capabilities| []                         | capabilities: must hold at least one capability
					capabilities| null                       | capabilities: is required
					capabilities| [{"scope": "a b", "riskLevel": "low"}] | capabilities[0].scope: must be 1-128 characters of RFC 6749
					capabilities| [{"scope": "a\\tb", "riskLevel": "low"}] | capabilities[0].scope: must be
					capabilities| [{"scope": "idp:admin", "riskLevel": "low"}] | capabilities[0].scope: must not start with 'idp:'
					capabilities| [{"scope": "IDP:audit:read", "riskLevel": "low"}] | capabilities[0].scope: must not start with 'idp:'
					capabilities| [{"scope": "a", "riskLevel": "extreme"}] | capabilities[0].riskLevel: must be one of low
					capabilities| [{"scope": "a"}]           | capabilities[0].riskLevel: is required
					capabilities| [{"scope": "a", "riskLevel": "low", "x": 1}] | capabilities[0].x: is not a known field
					capabilities| [{"scope": "a", "riskLevel": "low"}, {"scope": "a", "riskLevel": "high"}] | capabilities[1].scope: duplicates scope a
					capabilities| {"scope": "a"}             | capabilities: must be an array
					tools       | [{"id": "t", "mcpServer": "ftp://example.com/x"}] | tools[0].mcpServer: must be an absolute http or https URL
					tools       | [{"id": "t", "mcpServer": "javascript:alert(1)"}] | tools[0].mcpServer: must be an absolute http or https URL
					tools       | [{"id": "t", "mcpServer": "/relative"}] | tools[0].mcpServer: must be an absolute http or https URL
					tools       | [{"id": "t"}]              | tools[0].mcpServer: is required
					dataAccess  | [{"resource": "r", "access": "execute", "sensitivity": "public"}] | dataAccess[0].access: must be one of read
					dataAccess  | [{"resource": "r", "access": "read", "sensitivity": "secret"}] | dataAccess[0].sensitivity: must be one of public
					humanOversight | {"requiredFor": ["a b"]} | humanOversight.requiredFor[0]: must be
					humanOversight | {"who": []}             | humanOversight.who: is not a known field
					tokenPolicy | {"maxTtlSeconds": 86401}   | tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)
					tokenPolicy | {"defaultTtlSeconds": 4000} | tokenPolicy.defaultTtlSeconds: must not exceed tokenPolicy.maxTtlSeconds
					tokenPolicy | {"defaultTtlSeconds": 1.5} | tokenPolicy.defaultTtlSeconds: must be an integer
					tokenPolicy | {"maxDelegationDepth": -1} | tokenPolicy.maxDelegationDepth: must be between 0 and 16
					tokenPolicy | {"maxTtlSeconds": "1h"}    | tokenPolicy.maxTtlSeconds: must be an integer
					tokenPolicy | {"maxSubAgents": 10001}    | tokenPolicy.maxSubAgents: must be between 0 and 10000
					resources   | ["relative/path"]          | resources[0]: must be an absolute URI without a fragment (RFC 8707 §2)
					resources   | ["https://api.example.com/x#frag"] | resources[0]: must be an absolute URI without a fragment
					resources   | ["not a uri"]              | resources[0]: must be an absolute URI
					resources   | ["https://a.example.com", "https://a.example.com"] | resources[1]: duplicates https://a.example.com
					resources   | [42]                       | resources[0]: must be a string
					resources   | "https://a.example.com"    | resources: must be an array
					id          | "6f1c0b7e-0000-0000-0000-000000000000" | id: is set by the server
					status      | "active"                   | status: is set by the server
					keys        | []                         | keys: is set by the server
					nickname    | "x"                        | nickname: is not a field of the identity document
					""")
	void invalidFieldIsRejectedNamingFieldAndRule(String field, String value, String message) {
		ObjectNode doc = doc();
		if (value.equals("null")) {
			doc.remove(field);
		}
		else {
			doc.set(field, TestAgents.json(value));
		}
		assertThat(rejected(doc)).hasMessageStartingWith(message);
	}

	@Test
	void bodyThatIsNotAnObjectIsRejected() {
		assertThat(rejected(TestAgents.json("[1]"))).hasMessage("body: must be a JSON object");
	}

	@Test
	void documentShowsEveryFieldAndNoPrivateKey() {
		Instant now = Instant.parse("2026-11-28T10:00:00Z");
		PublicKeys.GeneratedKey generated = PublicKeys.generateEd25519();
		AgentKey key = new AgentKey(generated.publicJwk().getKeyID(), generated.publicJwk(), KeyStatus.ACTIVE, now,
				null);
		Agent agent = Agent.register(UUID.randomUUID(), null, AgentDocuments.readProfile(doc(), KEY_FIELDS), key, now);
		ObjectNode json = AgentDocuments.toJson(agent, now);
		assertThat(json.propertyNames()).containsExactly("id", "name", "version", "owner", "team", "platform",
				"environment", "description", "role", "status", "riskLevel", "parentId", "capabilities", "tools",
				"resources", "dataAccess", "humanOversight", "tokenPolicy", "keys", "createdAt", "updatedAt");
		assertThat(json.get("parentId").isNull()).isTrue();
		assertThat(json.get("riskLevel").stringValue()).isEqualTo("medium");
		assertThat(json.get("tokenPolicy").get("defaultTtlSeconds").intValue()).isEqualTo(900);
		assertThat(json.get("tokenPolicy").get("maxSubAgents").intValue()).isEqualTo(100);
		assertThat(json.get("resources").isEmpty()).isTrue();
		JsonNode jsonKey = json.get("keys").get(0);
		assertThat(jsonKey.propertyNames()).containsExactly("kid", "kty", "crv", "x", "alg", "status", "createdAt",
				"expiresAt");
		assertThat(jsonKey.get("kid").stringValue()).isEqualTo(key.kid());
		assertThat(json.toString()).doesNotContain("\"d\"").doesNotContain(generated.privateJwk().get("d").toString());
	}

	@Test
	void storedProfileRoundTrips() {
		AgentProfile profile = AgentDocuments.readProfile(doc(), KEY_FIELDS);
		assertThat(AgentDocuments.readProfile(AgentDocuments.profileJson(profile), Set.of())).isEqualTo(profile);
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
	}

	private static String patch(String target, String patch) {
		return AgentDocuments.mergePatch(TestAgents.json(target), TestAgents.json(patch)).toString();
	}

	@Test
	void keyChoiceNeedsExactlyOneOfJwkAndGenerateKey() {
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentDocuments.readKeyChoice(TestAgents.json("{}")))
			.withMessageStartingWith("jwk: is required");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentDocuments.readKeyChoice(TestAgents.json("{\"generateKey\": false}")))
			.withMessageStartingWith("jwk: is required");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentDocuments.readKeyChoice(TestAgents.json("{\"generateKey\": \"yes\"}")))
			.withMessageStartingWith("generateKey: must be true or false");
		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> AgentDocuments
				.readKeyChoice(TestAgents.json("{\"generateKey\": true, \"jwk\": {\"kty\": \"OKP\"}}")))
			.withMessageContaining("not both");
		assertThat(AgentDocuments.readKeyChoice(TestAgents.json("{\"generateKey\": true}"))).isNull();
	}

}
