package dev.agentidp.app.registry;

import java.util.List;

import dev.agentidp.app.RequestBodies;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.Emails;
import dev.agentidp.registry.Environment;
import dev.agentidp.registry.Names;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Scopes;
import dev.agentidp.registry.Sensitivity;
import dev.agentidp.registry.TokenPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's rules for an identity document, on the request record alone (no Spring
 * context, no database): every rule names its member and is answered as it always was.
 * Moved here from the registry's {@code AgentDocumentsTests} when the binding moved to
 * the edge (issue 15, item 1).
 */
class AgentDocumentRequestTests {

	private static ObjectNode doc() {
		return (ObjectNode) RequestBodies.JSON.readTree(
				"""
						{"name": "agent-1", "owner": "Owner@Example.com", "team": "support", "platform": "langchain",
						 "environment": "prod", "description": "Answers support tickets", "role": "support",
						 "capabilities": [{"scope": "crm:read", "description": "read customer records", "riskLevel": "medium"},
						                  {"scope": "tickets:write", "description": "answer tickets", "riskLevel": "low"}],
						 "tools": [{"id": "github", "mcpServer": "https://mcp.example.com/github", "permissions": ["create_pr"]}],
						 "dataAccess": [{"resource": "crm.customers", "access": "read", "sensitivity": "confidential"}],
						 "humanOversight": {"requiredFor": ["payments:refund"], "approvers": ["finance-lead"]}}""");
	}

	private static AgentProfile profile(String json) {
		return RequestBodies.read(json, AgentDocumentRequest.class).toProfile();
	}

	private static String rejected(String json) {
		return RequestBodies.refused(json, AgentDocumentRequest.class);
	}

	private static String registrationRejected(String json) {
		return RequestBodies.refused(json, AgentDocumentRequest.class, AgentDocumentRequest.Registration.class);
	}

	@Test
	void fullDocumentIsRead() {
		AgentProfile profile = profile(doc().toString());
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
		assertThat(profile(doc.toString()).tokenPolicy()).isEqualTo(new TokenPolicy(600, 600, 3));
		doc.putObject("tokenPolicy").putNull("maxTtlSeconds").put("maxSubAgents", 7);
		assertThat(profile(doc.toString()).tokenPolicy()).isEqualTo(new TokenPolicy(900, 3600, 3, 7));
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
					tokenPolicy | {"approvedTokenTtlSeconds": 3601} | tokenPolicy.approvedTokenTtlSeconds: must be between 1 and 3600 seconds (1 h)
					tokenPolicy | {"approvedTokenTtlSeconds": 0} | tokenPolicy.approvedTokenTtlSeconds: must be between 1 and 3600 seconds (1 h)
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
		assertThat(rejected(with(field, value))).startsWith(message);
	}

	/**
	 * The whole detail of every kind of rule, wrong JSON types and {@code null} elements
	 * included (issue 15, item 1: each a 400 naming the member, never a 5xx).
	 */
	@ParameterizedTest
	@CsvSource(delimiterString = " || ", quoteCharacter = '`',
			textBlock = """
					name         || "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" || name: must be at most 64 characters
					name         || ""                         || name: must match [A-Za-z0-9._-]{1,64}
					owner        || 42                         || owner: must be a string
					team         || " "                        || team: must not be blank
					team         || ""                         || team: must not be blank
					team         || ["a"]                      || team: must be a string
					environment  || " "                        || environment: must not be blank
					environment  || "prod\\u0000"              || environment: must not contain control characters
					environment  || "staging-environment"      || environment: must be at most 16 characters
					environment  || "production"               || environment: must be one of dev|staging|prod
					description  || "a\\u0000b"                || description: must not contain control characters other than tab and newline
					description  || 5                          || description: must be a string
					capabilities || [1]                        || capabilities[0]: must be a JSON object
					capabilities || [null]                     || capabilities[0]: must be a JSON object
					capabilities || [{"scope": null, "riskLevel": "low"}] || capabilities[0].scope: is required
					capabilities || [{"scope": "a", "riskLevel": "low", "description": "x\\ny"}, {"scope": "b", "riskLevel": 3}] || capabilities[1].riskLevel: must be a string
					capabilities || [{"scope": "a", "riskLevel": "critically-dangerous"}] || capabilities[0].riskLevel: must be at most 16 characters
					capabilities || [{"scope": "a", "riskLevel": "extreme"}] || capabilities[0].riskLevel: must be one of low|medium|high|critical
					tools        || [{"id": "t", "mcpServer": "https://mcp.example.com", "permissions": [null]}] || tools[0].permissions[0]: must be a string
					tools        || [{"id": " ", "mcpServer": "https://mcp.example.com"}] || tools[0].id: must not be blank
					tools        || [{"id": "t", "mcpServer": "https://mcp.example.com", "permissions": "all"}] || tools[0].permissions: must be an array
					tools        || [{"id": "t", "mcpServer": "https:///no-host"}] || tools[0].mcpServer: must be an absolute http or https URL with a host (at most 2048 characters)
					dataAccess   || [{"access": "read", "sensitivity": "public"}] || dataAccess[0].resource: is required
					dataAccess   || [{"resource": "r", "sensitivity": "public"}] || dataAccess[0].access: is required
					dataAccess   || [{"resource": "r", "access": "read", "sensitivity": "secret"}] || dataAccess[0].sensitivity: must be one of public|internal|confidential|restricted
					humanOversight || []                       || humanOversight: must be a JSON object
					humanOversight || {"approvers": ["lead", "\\u0001"]} || humanOversight.approvers[1]: must not contain control characters
					tokenPolicy  || "900"                      || tokenPolicy: must be a JSON object
					tokenPolicy  || {"maxTtlSeconds": 99999999999999999999999} || tokenPolicy.maxTtlSeconds: must be an integer
					tokenPolicy  || {"maxTtlSeconds": 1e3}     || tokenPolicy.maxTtlSeconds: must be an integer
					tokenPolicy  || {"maxTtlSeconds": 0}       || tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)
					tokenPolicy  || {"maxDelegationDepth": true} || tokenPolicy.maxDelegationDepth: must be an integer
					tokenPolicy  || {"maxDelegationDepth": 17} || tokenPolicy.maxDelegationDepth: must be between 0 and 16
					tokenPolicy  || {"maxSubAgents": "5"}      || tokenPolicy.maxSubAgents: must be an integer
					tokenPolicy  || {"maxSubAgents": -1}       || tokenPolicy.maxSubAgents: must be between 0 and 10000
					tokenPolicy  || {"defaultTtlSeconds": 4000} || tokenPolicy.defaultTtlSeconds: must not exceed tokenPolicy.maxTtlSeconds (3600)
					tokenPolicy  || {"defaultTtlSeconds": 600, "maxTtlSeconds": 300} || tokenPolicy.defaultTtlSeconds: must not exceed tokenPolicy.maxTtlSeconds (300)
					resources    || [null]                     || resources[0]: must be a string
					riskLevel    || "low"                      || riskLevel: is set by the server and cannot be given
					createdAt    || <null>                      || createdAt: is set by the server and cannot be given
					""")
	void everyRuleIsAnsweredWithItsWholeDetail(String field, String value, String detail) {
		assertThat(rejected(with(field, value))).isEqualTo(detail);
	}

	@Test
	void lengthsAreCheckedBeforeSyntax() {
		ObjectNode doc = doc();
		doc.putArray("capabilities").addObject().put("scope", "s".repeat(200)).put("riskLevel", "low");
		assertThat(rejected(doc.toString())).isEqualTo("capabilities[0].scope: " + Scopes.RULE);
		doc.putArray("capabilities").addObject().put("scope", "s".repeat(1025)).put("riskLevel", "low");
		assertThat(rejected(doc.toString())).isEqualTo("capabilities[0].scope: must be at most 1024 characters");
		assertThat(rejected(with("description", "\"" + "d".repeat(2049) + "\"")))
			.isEqualTo("description: must be at most 2048 characters");
		assertThat(rejected(with("team", "\"" + "t".repeat(129) + "\"")))
			.isEqualTo("team: must be at most 128 characters");
		assertThat(rejected(with("owner", "\"" + "o".repeat(250) + "@example.com\"")))
			.isEqualTo("owner: must be at most 254 characters");
		assertThat(rejected(with("owner", "\"nobody\""))).isEqualTo("owner: " + Emails.RULE);
		assertThat(rejected(with("name", "\"a b\""))).isEqualTo("name: " + Names.RULE);
		doc = doc();
		var tools = doc.putArray("tools");
		for (int i = 0; i < 257; i++) {
			tools.addObject().put("id", "t" + i).put("mcpServer", "ftp://not-http");
		}
		assertThat(rejected(doc.toString())).as("a list's size before its elements")
			.isEqualTo("tools: must hold at most 256 elements");
	}

	@Test
	void aBodyBreakingSeveralRulesIsAnsweredWithTheFirstMemberInDocumentOrder() {
		ObjectNode doc = doc();
		doc.put("role", " ");
		doc.put("team", "a\u0007b");
		doc.putArray("resources").add("relative");
		assertThat(rejected(doc.toString())).isEqualTo("team: must not contain control characters");
		doc = doc();
		doc.putArray("capabilities")
			.add(RequestBodies.JSON.readTree("{\"scope\": \"a\", \"riskLevel\": \"low\"}"))
			.add(RequestBodies.JSON.readTree("{\"scope\": \"a\", \"riskLevel\": \"low\"}"))
			.add(RequestBodies.JSON.readTree("{\"scope\": \"b c\", \"riskLevel\": \"none\"}"));
		assertThat(rejected(doc.toString())).isEqualTo("capabilities[1].scope: duplicates scope a");
		doc.putObject("tokenPolicy").put("maxSubAgents", -1).put("maxTtlSeconds", 0);
		doc.remove("capabilities");
		assertThat(rejected(doc.toString())).isEqualTo("capabilities: is required: at least one capability");
		doc.set("capabilities", RequestBodies.JSON.readTree("[{\"scope\": \"a\", \"riskLevel\": \"low\"}]"));
		assertThat(rejected(doc.toString())).as("maxTtlSeconds is checked first, as it always was")
			.isEqualTo("tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)");
	}

	@Test
	void aValueInADetailIsNeverInterpolated() {
		for (String scope : List.of("{message}", "${1+1}", "{1,64}", "$")) {
			ObjectNode doc = doc();
			doc.putArray("capabilities")
				.add(RequestBodies.JSON.createObjectNode().put("scope", scope).put("riskLevel", "low"))
				.add(RequestBodies.JSON.createObjectNode().put("scope", scope).put("riskLevel", "low"));
			assertThat(rejected(doc.toString())).as(scope)
				.isEqualTo("capabilities[1].scope: duplicates scope " + scope);
		}
	}

	@Test
	void bodyThatIsNotAnObjectIsRejected() {
		assertThat(rejected("[1]")).isEqualTo("body: must be a JSON object");
		assertThat(rejected("\"text\"")).isEqualTo("body: must be a JSON object");
		assertThat(rejected("null")).isEqualTo("body: must be a JSON object");
	}

	@Test
	void aRegistrationNeedsExactlyOneOfJwkAndGenerateKey() {
		ObjectNode doc = doc();
		assertThat(registrationRejected(doc.toString())).startsWith("jwk: is required");
		doc.put("generateKey", false);
		assertThat(registrationRejected(doc.toString())).startsWith("jwk: is required");
		doc.put("generateKey", "yes");
		assertThat(registrationRejected(doc.toString())).startsWith("generateKey: must be true or false");
		doc.put("generateKey", true);
		doc.set("jwk", RequestBodies.JSON.readTree("{\"kty\": \"OKP\"}"));
		assertThat(registrationRejected(doc.toString())).contains("not both");
		doc.put("jwk", "a JWK");
		assertThat(registrationRejected(doc.toString())).isEqualTo("jwk: must be a JSON object (a public JWK)");
		doc.remove("jwk");
		AgentDocumentRequest registration = RequestBodies.read(doc.toString(), AgentDocumentRequest.class,
				AgentDocumentRequest.Registration.class);
		assertThat(registration.newKey().generated()).isTrue();
		// the rules of the profile come first, as they always did
		doc.put("name", "a b");
		doc.remove("generateKey");
		assertThat(registrationRejected(doc.toString())).startsWith("name: ");
	}

	@Test
	void keyChoiceNeedsExactlyOneOfJwkAndGenerateKey() {
		assertThat(RequestBodies.refused("{}", KeyRequest.class)).startsWith("jwk: is required");
		assertThat(RequestBodies.refused("{\"generateKey\": false}", KeyRequest.class)).startsWith("jwk: is required");
		assertThat(RequestBodies.refused("{\"generateKey\": \"yes\"}", KeyRequest.class))
			.startsWith("generateKey: must be true or false");
		assertThat(RequestBodies.refused("{\"generateKey\": true, \"jwk\": {\"kty\": \"OKP\"}}", KeyRequest.class))
			.contains("not both");
		assertThat(RequestBodies.refused("{\"generateKey\": true, \"kid\": \"x\"}", KeyRequest.class))
			.isEqualTo("kid: is not a known field (allowed: generateKey, jwk)");
		assertThat(RequestBodies.refused("[]", KeyRequest.class))
			.isEqualTo("body: must be a JSON object with jwk or generateKey");
		assertThat(RequestBodies.refused("{\"jwk\": [1]}", KeyRequest.class))
			.isEqualTo("jwk: must be a JSON object (a public JWK)");
		assertThat(RequestBodies.read("{\"generateKey\": true}", KeyRequest.class).newKey().generated()).isTrue();
		assertThat(RequestBodies.read("{\"jwk\": {\"kty\": \"OKP\", \"n\": 1}}", KeyRequest.class).newKey().generated())
			.isFalse();
	}

	private static String with(String field, String value) {
		ObjectNode doc = doc();
		if (value.equals("null")) {
			doc.remove(field);
		}
		else if (value.equals("<null>")) {
			doc.putNull(field);
		}
		else {
			doc.set(field, RequestBodies.JSON.readTree(value));
		}
		return doc.toString();
	}

}
