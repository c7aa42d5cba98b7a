package dev.agentidp.app.registry;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Flow;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of {@code /admin/v1/agents} and every error it answers, over HTTP.
 */
class AgentApiTests extends AdminApiTestSupport {

	@Autowired
	AgentRegistry registry;

	private static final String AGENTS = "/admin/v1/agents";

	private static String ed25519PublicJwk() {
		byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
		Ed25519.generatePrivateKey(new java.security.SecureRandom(), secret);
		byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(secret, 0, publicKey, 0);
		return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(publicKey)).keyID("my-kid")
			.build()
			.toJSONString();
	}

	@Test
	void registerWithGeneratedKeyAnswers201WithLocationEtagAndThePrivateKeyOnce() {
		HttpResponse<String> response = this.api.post(AGENTS,
				document(uniqueName("gen"), "Support-Team@Company.com").toString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode created = TestHttp.json(response);
		String id = created.get("id").asString();
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/admin/v1/agents/" + id));
		assertThat(response.headers().firstValue("ETag")).contains("\"1\"");
		assertThat(created.get("version").intValue()).isEqualTo(1);
		assertThat(created.get("status").asString()).isEqualTo("active");
		assertThat(created.get("riskLevel").asString()).isEqualTo("medium");
		assertThat(created.get("owner").asString()).isEqualTo("support-team@company.com");
		assertThat(created.get("parentId").isNull()).isTrue();
		assertThat(created.get("tokenPolicy").toString()).isEqualTo(
				"{\"defaultTtlSeconds\":900,\"maxTtlSeconds\":3600,\"maxDelegationDepth\":3,\"maxSubAgents\":100,"
						+ "\"proofOfPossession\":\"none\",\"approvedTokenTtlSeconds\":300}");
		assertThat(created.get("resources").isEmpty()).isTrue();
		JsonNode key = created.get("keys").get(0);
		assertThat(key.get("kty").asString()).isEqualTo("OKP");
		assertThat(key.get("crv").asString()).isEqualTo("Ed25519");
		assertThat(key.get("alg").asString()).isEqualTo("EdDSA");
		assertThat(key.get("status").asString()).isEqualTo("active");
		assertThat(key.has("d")).isFalse();
		JsonNode privateJwk = created.get("privateJwk");
		assertThat(privateJwk.get("d").asString()).isNotEmpty();
		assertThat(privateJwk.get("kid").asString()).isEqualTo(key.get("kid").asString());
		String d = privateJwk.get("d").asString();

		HttpResponse<String> read = this.api.get(AGENTS + "/" + id);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("ETag")).contains("\"1\"");
		assertThat(read.body()).doesNotContain(d).doesNotContain("privateJwk");
		assertThat(this.api.get(AGENTS + "/" + id + "/versions").body()).doesNotContain(d);
		assertThat(this.api.get(AGENTS + "?limit=500").body()).doesNotContain(d);
	}

	@Test
	void resourcesAreShownAndVersionedLikeTheRestOfTheDocument() {
		ObjectNode doc = document(uniqueName("res"), "owner@example.com");
		doc.putArray("resources").add("https://api.example.com/crm").add("urn:example:ledger");
		HttpResponse<String> response = this.api.post(AGENTS, doc.toString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		String id = TestHttp.json(response).get("id").asString();
		assertThat(TestHttp.json(this.api.get(AGENTS + "/" + id)).get("resources").toString())
			.isEqualTo("[\"https://api.example.com/crm\",\"urn:example:ledger\"]");
		HttpResponse<String> patched = this.api.patch(AGENTS + "/" + id,
				"{\"resources\": [\"https://api.example.com/crm\"]}", null);
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		JsonNode versions = TestHttp.json(this.api.get(AGENTS + "/" + id + "/versions")).get("items");
		assertThat(versions.get(0).get("resources").toString()).isEqualTo("[\"https://api.example.com/crm\"]");
		assertThat(versions.get(1).get("resources").size()).isEqualTo(2);
	}

	@Test
	void patchWideningASubAgentsCapabilitiesIs400NamingTheScopeAndChangesNothing() {
		// issue 14, item 8
		String parentId = register(uniqueName("parent"), "owner@example.com").get("id").asString();
		Agent sub = this.registry.registerSubAgent(AgentId.of(parentId), "helper", Set.of("crm:read"), null, parentId);
		Map<String, Long> before = counts();
		assertProblem(this.api.patch(AGENTS + "/" + sub.id(), """
				{"capabilities": [{"scope": "crm:read", "riskLevel": "low"},
				                  {"scope": "payments:refund", "riskLevel": "high"}]}""", null), 400,
				"capabilities[1].scope: 'payments:refund' is not a capability of the parent agent " + parentId);
		assertThat(counts()).isEqualTo(before);
		assertThat(TestHttp.json(this.api.get(AGENTS + "/" + sub.id())).get("version").intValue()).isEqualTo(1);
	}

	@Test
	void registerWithPublicJwkUsesTheThumbprintAsKid() {
		ObjectNode doc = document(uniqueName("pub"), "a@example.com");
		doc.remove("generateKey");
		doc.set("jwk", TestHttp.JSON.readTree(ed25519PublicJwk()));
		HttpResponse<String> response = this.api.post(AGENTS, doc.toString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode created = TestHttp.json(response);
		assertThat(created.has("privateJwk")).isFalse();
		assertThat(created.get("keys").get(0).get("kid").asString()).isNotEqualTo("my-kid").hasSize(43);
	}

	@Test
	void registerWithP256Key() throws Exception {
		ObjectNode doc = document(uniqueName("ec"), "a@example.com");
		doc.remove("generateKey");
		doc.set("jwk", TestHttp.JSON.readTree(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString()));
		HttpResponse<String> response = this.api.post(AGENTS, doc.toString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(TestHttp.json(response).get("keys").get(0).get("alg").asString()).isEqualTo("ES256");
	}

	@Test
	void nameTakenUnderTheSameOwnerIs409() {
		String name = uniqueName("dup");
		register(name, "dup@example.com");
		Map<String, Long> before = counts();
		assertProblem(this.api.post(AGENTS, document(name, "dup@example.com").toString()), 409, "name:");
		assertThat(counts()).isEqualTo(before);
		assertThat(this.api.post(AGENTS, document(name, "other@example.com").toString()).statusCode()).isEqualTo(201);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					owner        | <remove>                                   | owner: is required
					owner        | "not an email"                             | owner: must be an email address
					name         | "bad name!"                                | name: must match [A-Za-z0-9._-]{1,64}
					name         | "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" | name: must
					environment  | "production"                               | environment: must be one of
					capabilities | []                                         | capabilities: must hold at least one capability
					capabilities | [{"scope": "crm read", "riskLevel": "low"}]  | capabilities[0].scope: must be 1-128 characters of RFC 6749
					capabilities | [{"scope": "crm\\u0000read", "riskLevel": "low"}] | capabilities[0].scope: must be
					capabilities | [{"scope": "crm:read", "riskLevel": "severe"}] | capabilities[0].riskLevel: must be one of
					tools        | [{"id": "x", "mcpServer": "file:///etc/passwd"}] | tools[0].mcpServer: must be an absolute http or https URL
					dataAccess   | [{"resource": "r", "access": "admin", "sensitivity": "public"}] | dataAccess[0].access: must be one of
					tokenPolicy  | {"maxTtlSeconds": 86401}                   | tokenPolicy.maxTtlSeconds: must be between 1 and 86400 seconds (24 h)
					tokenPolicy  | {"defaultTtlSeconds": 7200}                | tokenPolicy.defaultTtlSeconds: must not exceed
					tokenPolicy  | {"maxSubAgents": -1}                       | tokenPolicy.maxSubAgents: must be between 0 and 10000
					resources    | ["/relative"]                              | resources[0]: must be an absolute URI without a fragment (RFC 8707 §2)
					resources    | ["https://api.example.com/#top"]           | resources[0]: must be an absolute URI without a fragment
					resources    | ["https://a.example.com", "https://a.example.com"] | resources[1]: duplicates https://a.example.com
					status       | "active"                                   | status: is set by the server
					keys         | []                                         | keys: is set by the server
					favouriteColour | "blue"                                  | favouriteColour: is not a field of the identity document
					generateKey  | <remove>                                   | jwk: is required
					""")
	void invalidRegistrationIs400NamingTheFieldAndCreatesNothing(String field, String value, String detail) {
		ObjectNode doc = document(uniqueName("bad"), "bad@example.com");
		if (value.equals("<remove>")) {
			doc.remove(field);
		}
		else {
			doc.set(field, TestHttp.JSON.readTree(value));
		}
		Map<String, Long> before = counts();
		assertProblem(this.api.post(AGENTS, doc.toString()), 400, detail);
		assertThat(counts()).isEqualTo(before);
	}

	@Test
	void privateKeyIsRefusedAndNeverStored() {
		ObjectNode doc = document(uniqueName("priv"), "a@example.com");
		doc.remove("generateKey");
		String d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
		doc.set("jwk", TestHttp.JSON.readTree("{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"d\": \"" + d
				+ "\", \"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"));
		Map<String, Long> before = counts();
		HttpResponse<String> response = this.api.post(AGENTS, doc.toString());
		assertProblem(response, 400, "jwk: must be a public key");
		assertThat(response.body()).doesNotContain(d);
		assertThat(counts()).isEqualTo(before);
		assertThat(this.jdbc.sql("SELECT count(*) FROM agent_key WHERE jwk::text LIKE ?")
			.param("%" + d + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void bodyOver64KibIs413AndChangesNothing() {
		ObjectNode doc = document(uniqueName("big"), "a@example.com");
		doc.put("description", "x".repeat(70_000));
		Map<String, Long> before = counts();
		assertProblem(this.api.post(AGENTS, doc.toString()), 413, "64 KiB");
		// chunked, without Content-Length
		byte[] body = doc.toString().getBytes(StandardCharsets.UTF_8);
		HttpRequest chunked = this.api.request(AGENTS)
			.header("Authorization", "Bearer " + this.api.token())
			.header("Content-Type", "application/json")
			.POST(chunkedPublisher(body))
			.build();
		assertProblem(this.api.send(chunked), 413, "64 KiB");
		assertThat(counts()).isEqualTo(before);
	}

	@Test
	void chunkedBodyUnderTheLimitIsAccepted() {
		byte[] body = document(uniqueName("chunked"), "a@example.com").toString().getBytes(StandardCharsets.UTF_8);
		HttpRequest chunked = this.api.request(AGENTS)
			.header("Authorization", "Bearer " + this.api.token())
			.header("Content-Type", "application/json")
			.POST(chunkedPublisher(body))
			.build();
		assertThat(this.api.send(chunked).statusCode()).isEqualTo(201);
	}

	private static HttpRequest.BodyPublisher chunkedPublisher(byte[] body) {
		HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofByteArray(body);
		return new HttpRequest.BodyPublisher() {

			@Override
			public long contentLength() {
				return -1;
			}

			@Override
			public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
				bytes.subscribe(subscriber);
			}

		};
	}

	@Test
	void nonJsonIs415AndMalformedJsonIs400() {
		Map<String, Long> before = counts();
		assertProblem(this.api.post(AGENTS, "text/plain", "name=x"), 415, null);
		assertProblem(this.api.post(AGENTS, "application/json", "{\"name\": "), 400, null);
		assertProblem(this.api.post(AGENTS, "application/json", "[]"), 400, "body: must be a JSON object");
		assertProblem(this.api.post(AGENTS, "application/json", ""), 400, null);
		assertThat(counts()).isEqualTo(before);
	}

	@Test
	void unauthenticatedIs401ProblemAndUnknownAgentIs404() {
		HttpResponse<String> anonymous = this.api.send(this.api.request(AGENTS).GET().build());
		assertProblem(anonymous, 401, null);
		assertProblem(this.api.get(AGENTS + "/6f1c0b7e-0000-4000-8000-000000000000"), 404, "No agent");
		assertProblem(this.api.get(AGENTS + "/not-a-uuid"), 400, null);
	}

	/**
	 * Issue 15, item 7: an agent id in a path binds to an {@code AgentId} as it bound to
	 * a UUID, with the same answers: trimmed, blank is no value, malformed is a type
	 * mismatch, the short UUID forms are read as {@code UUID.fromString} reads them.
	 */
	@Test
	void anAgentIdInThePathIsReadAsAUuidWas() {
		assertProblem(this.api.get(AGENTS + "/not-a-uuid"), 400, "Failed to convert 'id' with value: 'not-a-uuid'");
		assertProblem(this.api.get(AGENTS + "/%20/versions"), 400, "Required path variable 'id' is not present.");
		assertProblem(this.api.get(AGENTS + "/1-2-3-4-5"), 404, "No agent 00000001-0002-0003-0004-000000000005");
		String id = register(uniqueName("path"), "path@example.com").get("id").asString();
		HttpResponse<String> padded = this.api.get(AGENTS + "/%20" + id.toUpperCase() + "%20");
		assertThat(padded.statusCode()).as(padded.body()).isEqualTo(200);
		assertThat(TestHttp.json(padded).get("id").asString()).isEqualTo(id);
	}

	@Test
	void listFiltersAndPagesWithAnOpaqueCursor() {
		String owner = uniqueName("owner") + "@example.com";
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(register("page-" + i, owner).get("id").asString());
		}
		this.api.postNoBody(AGENTS + "/" + ids.get(1) + "/suspend");
		List<String> seen = new ArrayList<>();
		String cursor = null;
		do {
			String path = AGENTS + "?limit=2&owner=" + TestHttp.enc(owner)
					+ ((cursor != null) ? "&cursor=" + TestHttp.enc(cursor) : "");
			HttpResponse<String> response = this.api.get(path);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode page = TestHttp.json(response);
			assertThat(page.propertyNames()).containsExactly("items", "nextCursor");
			page.get("items").forEach((item) -> seen.add(item.get("id").asString()));
			cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
		}
		while (cursor != null);
		assertThat(seen).containsExactlyElementsOf(ids);

		JsonNode suspended = TestHttp.json(this.api.get(AGENTS + "?status=suspended&owner=" + TestHttp.enc(owner)));
		assertThat(suspended.get("items")).hasSize(1);
		assertThat(suspended.get("items").get(0).get("id").asString()).isEqualTo(ids.get(1));
		assertThat(
				TestHttp.json(this.api.get(AGENTS + "?risk=medium&q=page-2&owner=" + TestHttp.enc(owner))).get("items"))
			.hasSize(1);
		assertThat(TestHttp.json(this.api.get(AGENTS + "?risk=critical&owner=" + TestHttp.enc(owner))).get("items"))
			.isEmpty();
		assertThat(TestHttp.json(this.api.get(AGENTS + "?parentId=" + ids.get(0))).get("items")).isEmpty();

		assertProblem(this.api.get(AGENTS + "?limit=501"), 400, "limit:");
		assertProblem(this.api.get(AGENTS + "?limit=abc"), 400, "limit");
		assertProblem(this.api.get(AGENTS + "?cursor=bogus"), 400, "cursor:");
		assertProblem(this.api.get(AGENTS + "?status=sleeping"), 400, "status:");
		assertProblem(this.api.get(AGENTS + "?risk=extreme"), 400, "risk:");
		assertProblem(this.api.get(AGENTS + "?parentId=nope"), 400, "parentId:");
	}

	@Test
	void patchIsAMergePatchThatMakesAVersionAndHonoursIfMatch() {
		String id = register(uniqueName("patch"), "patch@example.com").get("id").asString();
		HttpResponse<String> first = this.api.patch(AGENTS + "/" + id, "{\"team\": \"payments\", \"role\": null}",
				"\"1\"");
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		assertThat(first.headers().firstValue("ETag")).contains("\"2\"");
		JsonNode v2 = TestHttp.json(first);
		assertThat(v2.get("team").asString()).isEqualTo("payments");
		assertThat(v2.get("role").isNull()).isTrue();
		assertThat(v2.get("platform").asString()).isEqualTo("langchain");

		Map<String, Long> before = counts();
		HttpResponse<String> stale = this.api.patch(AGENTS + "/" + id, "{\"team\": \"other\"}", "\"1\"");
		assertProblem(stale, 412, "version 2");
		assertThat(stale.headers().firstValue("ETag")).contains("\"2\"");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"team\": \"other\"}", "W/\"2\""), 412, null);
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"team\": \"other\"}", "garbage"), 412, null);
		for (String field : List.of("id", "status", "version", "parentId", "createdAt", "updatedAt", "riskLevel",
				"keys")) {
			assertProblem(this.api.patch(AGENTS + "/" + id, "{\"" + field + "\": null}", null), 400,
					field + ": is set by the server");
		}
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"owner\": \"nope\"}", null), 400, "owner:");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"tokenPolicy\": {\"maxTtlSeconds\": 100000}}", null), 400,
				"tokenPolicy.maxTtlSeconds");
		assertProblem(this.api.patchAs(AGENTS + "/" + id, "text/plain", "team=x"), 415, null);
		assertThat(counts()).isEqualTo(before);

		HttpResponse<String> json = this.api.patchAs(AGENTS + "/" + id, "application/json",
				"{\"owner\": \"new-owner@example.com\"}");
		assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
		assertThat(TestHttp.json(json).get("owner").asString()).isEqualTo("new-owner@example.com");
		assertThat(TestHttp.json(json).get("version").intValue()).isEqualTo(3);
		assertProblem(this.api.patch("/admin/v1/agents/6f1c0b7e-0000-4000-8000-000000000000", "{}", null), 404, null);
	}

	/**
	 * Issue 15, item 1: a body binds to its request record; a wrong JSON type, a null
	 * where a value is required, an unknown member and a member given twice are each a
	 * 400 naming the member, on every admin body, and change nothing.
	 */
	@Test
	void aBodyThatDoesNotBindIs400NamingTheMember() {
		String id = register(uniqueName("binding"), "binding@example.com").get("id").asString();
		Map<String, Long> before = counts();
		String valid = document(uniqueName("x"), "o@example.com").toString();
		String body = valid.substring(0, valid.length() - 1);
		assertProblem(this.api.post(AGENTS, body + ", \"name\": \"again\"}"), 400,
				"name: is given twice (member names must be unique, RFC 8259 §4)");
		assertProblem(this.api.post(AGENTS, body + ", \"tokenPolicy\": {\"maxTtlSeconds\": \"3600\"}}"), 400,
				"tokenPolicy.maxTtlSeconds: must be an integer");
		ObjectNode nullTool = document(uniqueName("x"), "o@example.com");
		nullTool.putArray("tools").addNull();
		assertProblem(this.api.post(AGENTS, nullTool.toString()), 400, "tools[0]: must be a JSON object");
		ObjectNode objectForArray = document(uniqueName("x"), "o@example.com");
		objectForArray.putObject("capabilities").put("scope", "a");
		assertProblem(this.api.post(AGENTS, objectForArray.toString()), 400, "capabilities: must be an array");
		assertProblem(this.api.post(AGENTS, "application/json", "null"), 400, "body: must be a JSON object");
		assertProblem(this.api.post(AGENTS + "/" + id + "/keys", "{\"generateKey\": 1}"), 400,
				"generateKey: must be true or false");
		assertProblem(this.api.post(AGENTS + "/" + id + "/keys", "{\"jwk\": \"key\"}"), 400,
				"jwk: must be a JSON object (a public JWK)");
		assertProblem(this.api.post(AGENTS + "/" + id + "/suspend", "{\"reason\": \"a\", \"reason\": \"b\"}"), 400,
				"reason: is given twice");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"team\": \"a\", \"team\": \"b\"}", null), 400,
				"team: is given twice");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"tokenPolicy\": {\"maxSubAgents\": \"5\"}}", null), 400,
				"tokenPolicy.maxSubAgents: must be an integer");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"capabilities\": [{\"scope\": \"a\", \"x\": 1}]}", null),
				400, "capabilities[0].x: is not a known field (allowed: condition, description, riskLevel, scope)");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"jwk\": {}}", null), 400,
				"jwk: is not a writable field of the identity document");
		assertProblem(this.api.post("/admin/v1/tokens/revoke", "{\"jti\": 7}"), 400,
				"jti must be a non-empty string of at most 128 characters");
		assertThat(counts()).isEqualTo(before);
		assertThat(TestHttp.json(this.api.get(AGENTS + "/" + id)).get("version").intValue()).isEqualTo(1);
	}

	@Test
	void aVersionIsShownAsTheRegistryStoresIt() {
		String id = register(uniqueName("stored"), "stored@example.com").get("id").asString();
		this.api.post(AGENTS + "/" + id + "/keys", "{\"generateKey\": true}");
		this.api.patch(AGENTS + "/" + id, "{\"resources\": [\"https://api.example.com\"], \"description\": null}",
				null);
		JsonNode shown = TestHttp.json(this.api.get(AGENTS + "/" + id + "/versions")).get("items");
		List<String> stored = this.jdbc
			.sql("SELECT document::text FROM agent_version WHERE agent_id = ? ORDER BY version DESC")
			.param(UUID.fromString(id))
			.query(String.class)
			.list();
		assertThat(stored).hasSize(3);
		for (int i = 0; i < stored.size(); i++) {
			assertThat(shown.get(i)).as("version %d", 3 - i).isEqualTo(TestHttp.JSON.readTree(stored.get(i)));
		}
		assertThat(TestHttp.json(this.api.get(AGENTS + "/" + id))).isEqualTo(shown.get(0));
	}

	@Test
	void versionsAreNewestFirstAndPaged() {
		String id = register(uniqueName("versions"), "v@example.com").get("id").asString();
		this.api.patch(AGENTS + "/" + id, "{\"team\": \"a\"}", null);
		this.api.patch(AGENTS + "/" + id, "{\"team\": \"b\"}", null);
		JsonNode page = TestHttp.json(this.api.get(AGENTS + "/" + id + "/versions?limit=2"));
		assertThat(page.get("items")).extracting((doc) -> doc.get("version").intValue()).containsExactly(3, 2);
		JsonNode rest = TestHttp.json(this.api
			.get(AGENTS + "/" + id + "/versions?limit=2&cursor=" + TestHttp.enc(page.get("nextCursor").asString())));
		assertThat(rest.get("items")).extracting((doc) -> doc.get("team").asString()).containsExactly("support");
		assertThat(rest.get("nextCursor").isNull()).isTrue();
		assertProblem(this.api.get("/admin/v1/agents/6f1c0b7e-0000-4000-8000-000000000000/versions"), 404, null);
	}

	@Test
	void lifecycleAnswersTheDocumentAndRefusesIllegalTransitionsWith409() {
		String id = register(uniqueName("life"), "life@example.com").get("id").asString();
		HttpResponse<String> suspended = this.api.post(AGENTS + "/" + id + "/suspend", "{\"reason\": \"incident\"}");
		assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
		assertThat(TestHttp.json(suspended).get("status").asString()).isEqualTo("suspended");
		assertThat(suspended.headers().firstValue("ETag")).contains("\"2\"");
		assertProblem(this.api.post(AGENTS + "/" + id + "/suspend", "{}"), 409, "Only an active agent");
		assertProblem(this.api.post(AGENTS + "/" + id + "/resume", "{\"why\": \"x\"}"), 400, "why:");
		assertProblem(this.api.post(AGENTS + "/" + id + "/resume", "{\"reason\": 42}"), 400, "reason:");
		assertThat(TestHttp.json(this.api.postNoBody(AGENTS + "/" + id + "/resume")).get("status").asString())
			.isEqualTo("active");
		assertProblem(this.api.postNoBody(AGENTS + "/" + id + "/resume"), 409, "Only a suspended agent");
		assertThat(TestHttp.json(this.api.post(AGENTS + "/" + id + "/retire", "{\"reason\": \"done\"}"))
			.get("status")
			.asString()).isEqualTo("retired");
		assertProblem(this.api.postNoBody(AGENTS + "/" + id + "/resume"), 409, "final");
		assertProblem(this.api.postNoBody(AGENTS + "/" + id + "/retire"), 409, "final");
		assertProblem(this.api.patch(AGENTS + "/" + id, "{\"team\": \"x\"}", null), 409, "retired");
		assertProblem(this.api.postNoBody("/admin/v1/agents/6f1c0b7e-0000-4000-8000-000000000000/suspend"), 404, null);
	}

	@Test
	void keysAreAddedAndRetiredWithGrace() {
		JsonNode agent = register(uniqueName("keys"), "keys@example.com");
		String id = agent.get("id").asString();
		String first = agent.get("keys").get(0).get("kid").asString();
		String keys = AGENTS + "/" + id + "/keys";

		HttpResponse<String> added = this.api.post(keys, "{\"jwk\": " + ed25519PublicJwk() + "}");
		assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
		assertThat(TestHttp.json(added).get("keys")).hasSize(2);
		assertThat(TestHttp.json(added).has("privateJwk")).isFalse();
		String second = TestHttp.json(added).get("keys").get(1).get("kid").asString();
		HttpResponse<String> generated = this.api.post(keys, "{\"generateKey\": true}");
		assertThat(TestHttp.json(generated).get("privateJwk").get("d").asString()).isNotEmpty();
		String third = TestHttp.json(generated).get("keys").get(2).get("kid").asString();

		Map<String, Long> before = counts();
		assertProblem(this.api.post(keys, "{}"), 400, "jwk: is required");
		assertProblem(this.api.post(keys, "{\"jwk\": {\"kty\": \"RSA\", \"n\": \"AQAB\", \"e\": \"AQAB\"}}"), 400,
				"jwk");
		assertProblem(this.api.post(keys, "{\"generateKey\": true, \"kid\": \"x\"}"), 400, "kid:");
		assertProblem(this.api.delete(keys + "/" + first + "?graceSeconds=-1"), 400, "graceSeconds");
		assertProblem(this.api.delete(keys + "/" + first + "?graceSeconds=1.5"), 400, "graceSeconds");
		assertProblem(this.api.delete(keys + "/" + first + "?graceSeconds=soon"), 400, "graceSeconds");
		assertProblem(this.api.delete(keys + "/unknown-kid"), 404, "no key");
		assertThat(counts()).isEqualTo(before);

		HttpResponse<String> retiring = this.api.delete(keys + "/" + first + "?graceSeconds=3600");
		assertThat(retiring.statusCode()).as(retiring.body()).isEqualTo(200);
		JsonNode retiringKey = TestHttp.json(retiring).get("keys").get(0);
		assertThat(retiringKey.get("status").asString()).isEqualTo("retiring");
		assertThat(retiringKey.get("expiresAt").isNull()).isFalse();
		JsonNode revoked = TestHttp.json(this.api.delete(keys + "/" + second)).get("keys").get(1);
		assertThat(revoked.get("status").asString()).isEqualTo("revoked");
		assertProblem(this.api.delete(keys + "/" + second), 409, "already revoked");
		assertProblem(this.api.delete(keys + "/" + third), 409, "last active key");
	}

}
