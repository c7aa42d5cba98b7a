package dev.agentidp.app.registry;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /admin/v1/clients} over HTTP: registration, list, read and disable.
 */
class ClientApiTests extends AdminApiTestSupport {

	private static final String CLIENTS = "/admin/v1/clients";

	@Test
	void adminClientGetsASecretOnceThatWorksAtTheTokenEndpoint() {
		HttpResponse<String> response = this.api.post(CLIENTS,
				"{\"name\": \"auditor\", \"kind\": \"admin\", \"scopes\": [\"idp:audit:read\"]}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode client = TestHttp.json(response);
		assertThat(client.propertyNames()).containsExactly("clientId", "name", "kind", "scopes", "clientSecret");
		assertThat(client.get("kind").asString()).isEqualTo("admin");
		String secret = client.get("clientSecret").asString();
		assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
		String stored = this.jdbc.sql("SELECT secret_hash FROM oauth_client WHERE client_id = ?")
			.param(client.get("clientId").asString())
			.query(String.class)
			.single();
		assertThat(stored).hasSize(64).isNotEqualTo(secret);
		assertThat(this.api.token(client.get("clientId").asString(), secret, "idp:audit:read")).isNotEmpty();
	}

	@Test
	void resourceServerWithAPublicKeyGetsNoSecret() {
		HttpResponse<String> response = this.api.post(CLIENTS,
				"{\"name\": \"crm api\", \"kind\": \"resource_server\", \"jwk\": {\"kty\": \"OKP\", \"crv\": \"Ed25519\","
						+ " \"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode client = TestHttp.json(response);
		assertThat(client.has("clientSecret")).isFalse();
		assertThat(client.get("scopes")).isEmpty();
		assertThat(client.get("kind").asString()).isEqualTo("resource_server");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					{"kind": "admin"}                                                  | name: is required
					{"name": "x", "kind": "superuser"}                                 | kind: must be resource_server or admin
					{"name": "x", "kind": "admin", "scopes": ["crm:read"]}             | scopes: an admin client may hold only idp:admin and idp:audit:read
					{"name": "x", "kind": "resource_server", "scopes": ["idp:admin"]}  | scopes: a resource server holds no scopes
					{"name": "x", "kind": "admin", "clientSecret": "mine"}             | clientSecret: is not a known field
					{"name": "x", "kind": "admin", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}} | jwk: must be a public key
					[]                                                                 | body: must be a JSON object
					""")
	void invalidClientIs400AndNothingIsStored(String body, String detail) {
		long before = count("oauth_client");
		HttpResponse<String> response = this.api.post(CLIENTS, body);
		assertProblem(response, 400, detail);
		assertThat(response.body()).doesNotContain("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
		assertThat(count("oauth_client")).isEqualTo(before);
	}

	@Test
	void nonJsonIs415() {
		assertProblem(this.api.post(CLIENTS, "text/plain", "name=x"), 415, null);
	}

	@Test
	void clientsAreListedPageByPageAndReadWithoutAnySecretOrHash() {
		JsonNode registered = TestHttp.json(this.api.post(CLIENTS,
				"{\"name\": \"listed\", \"kind\": \"admin\", \"scopes\": [\"idp:audit:read\"]}"));
		String clientId = registered.get("clientId").asString();
		String secret = registered.get("clientSecret").asString();
		String hash = this.jdbc.sql("SELECT secret_hash FROM oauth_client WHERE client_id = ?")
			.param(clientId)
			.query(String.class)
			.single();
		List<JsonNode> all = new ArrayList<>();
		String cursor = null;
		do {
			HttpResponse<String> page = this.api
				.get(CLIENTS + "?limit=2" + ((cursor != null) ? "&cursor=" + TestHttp.enc(cursor) : ""));
			assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
			assertThat(page.body()).doesNotContain(secret)
				.doesNotContain(hash)
				.doesNotContain("clientSecret")
				.doesNotContain("secretHash");
			JsonNode json = TestHttp.json(page);
			assertThat(json.get("items").size()).isBetween(1, 2);
			json.get("items").forEach(all::add);
			cursor = json.get("nextCursor").isNull() ? null : json.get("nextCursor").asString();
		}
		while (cursor != null);
		assertThat(all).extracting((client) -> client.get("clientId").asString())
			.contains("idp-admin", clientId)
			.doesNotHaveDuplicates()
			.hasSize((int) count("oauth_client"));
		HttpResponse<String> one = this.api.get(CLIENTS + "/" + clientId);
		assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
		assertThat(one.body()).doesNotContain(secret).doesNotContain(hash).doesNotContain("clientSecret");
		JsonNode client = TestHttp.json(one);
		assertThat(client.propertyNames()).containsExactly("clientId", "name", "kind", "scopes", "authenticationMethod",
				"status", "createdAt", "disabledAt");
		assertThat(client.get("status").asString()).isEqualTo("active");
		assertThat(client.get("authenticationMethod").asString()).isEqualTo("client_secret_basic");
		assertThat(client.get("scopes")).extracting(JsonNode::asString).containsExactly("idp:audit:read");
	}

	@Test
	void anUnknownClientOrAnAgentsIdIs404AndABadCursorOrLimit400() {
		assertProblem(this.api.get(CLIENTS + "/rs-0000"), 404, "No client rs-0000");
		JsonNode agent = register(uniqueName("not-a-client"), "owner@example.com");
		String agentId = agent.get("id").asString();
		assertProblem(this.api.get(CLIENTS + "/" + agentId), 404, "/admin/v1/agents/" + agentId);
		assertProblem(this.api.postNoBody(CLIENTS + "/" + agentId + "/disable"), 404, "suspend or retire");
		assertProblem(this.api.get(CLIENTS + "?cursor=%2B%2B"), 400, "cursor: is not a cursor this server issued");
		String farFuture = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("c1:9223372036854775807:x".getBytes(StandardCharsets.UTF_8));
		assertProblem(this.api.get(CLIENTS + "?cursor=" + farFuture), 400, "cursor:");
		String beyondPostgres = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("c1:999999999999999999:x".getBytes(StandardCharsets.UTF_8));
		assertProblem(this.api.get(CLIENTS + "?cursor=" + beyondPostgres), 400, "cursor:");
		assertProblem(this.api.get(CLIENTS + "?limit=0"), 400, "limit");
	}

	@Test
	void aDisabledClientLosesItsTokensAtOnceAndCannotAuthenticateAnywhere() {
		JsonNode admin = TestHttp.json(
				this.api.post(CLIENTS, "{\"name\": \"to disable\", \"kind\": \"admin\", \"scopes\": [\"idp:admin\"]}"));
		String adminId = admin.get("clientId").asString();
		String adminSecret = admin.get("clientSecret").asString();
		JsonNode rs = TestHttp
			.json(this.api.post(CLIENTS, "{\"name\": \"rs to disable\", \"kind\": \"resource_server\"}"));
		String rsId = rs.get("clientId").asString();
		String rsSecret = rs.get("clientSecret").asString();
		String token = this.api.token(adminId, adminSecret, "idp:admin");
		assertThat(bearerGet(token, CLIENTS + "/" + adminId).statusCode()).isEqualTo(200);
		assertThat(introspect(rsId, rsSecret, token).statusCode()).isEqualTo(200);

		HttpResponse<String> disabled = this.api.post(CLIENTS + "/" + adminId + "/disable",
				"{\"reason\": \"incident 7\"}");
		assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
		assertThat(TestHttp.json(disabled).get("status").asString()).isEqualTo("disabled");
		assertThat(TestHttp.json(disabled).get("disabledAt").isNull()).isFalse();
		assertThat(this.api.postNoBody(CLIENTS + "/" + rsId + "/disable").statusCode()).isEqualTo(200);

		assertThat(bearerGet(token, CLIENTS + "/" + adminId).statusCode()).as("its token is revoked").isEqualTo(401);
		assertThat(this.jdbc.sql("SELECT count(*) FROM issued_token WHERE client_id = ? AND revoked_at IS NULL")
			.param(adminId)
			.query(Long.class)
			.single()).isZero();
		assertThatTokenRequestFails(adminId, adminSecret);
		HttpResponse<String> introspection = introspect(rsId, rsSecret, this.api.token());
		assertThat(introspection.statusCode()).isEqualTo(401);
		assertThat(introspection.body()).contains("invalid_client");
		assertThat(actions(adminId)).contains("client.disabled", "token.revoked");
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM audit_record WHERE action = 'token.denied' AND actor = ?
				AND details->>'error' = 'invalid_client'""").param(adminId).query(Long.class).single())
			.as("the refused authentication is audited")
			.isPositive();
	}

	@Test
	void disablingTwiceIs409AndAClientCannotDisableItself() {
		JsonNode admin = TestHttp
			.json(this.api.post(CLIENTS, "{\"name\": \"twice\", \"kind\": \"admin\", \"scopes\": [\"idp:admin\"]}"));
		String adminId = admin.get("clientId").asString();
		String token = this.api.token(adminId, admin.get("clientSecret").asString(), "idp:admin");
		assertProblem(this.api.post(CLIENTS + "/idp-admin/disable", "{\"reason\": 1}"), 400,
				"reason: must be a string");
		assertProblem(bearerPost(token, CLIENTS + "/" + adminId + "/disable"), 409, "cannot disable itself");
		assertProblem(this.api.postNoBody(CLIENTS + "/idp-admin/disable"), 409, "cannot disable itself");
		assertThat(this.api.postNoBody(CLIENTS + "/" + adminId + "/disable").statusCode()).isEqualTo(200);
		long records = count("audit_record");
		assertProblem(this.api.postNoBody(CLIENTS + "/" + adminId + "/disable"), 409, "is disabled already");
		assertThat(count("audit_record")).isEqualTo(records);
		assertThat(TestHttp.json(this.api.get(CLIENTS + "/idp-admin")).get("status").asString()).isEqualTo("active");
	}

	private List<String> actions(String target) {
		return this.jdbc.sql("SELECT action FROM audit_record WHERE target = ? ORDER BY occurred_at")
			.param(target)
			.query(String.class)
			.list();
	}

	private void assertThatTokenRequestFails(String clientId, String secret) {
		HttpResponse<String> response = this.api.send(this.api.request("/oauth2/token")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic(clientId, secret))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=idp:admin"))
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		assertThat(response.body()).contains("invalid_client");
	}

	private HttpResponse<String> introspect(String clientId, String secret, String token) {
		return this.api.send(this.api.request("/oauth2/introspect")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", basic(clientId, secret))
			.POST(HttpRequest.BodyPublishers.ofString("token=" + TestHttp.enc(token)))
			.build());
	}

	private HttpResponse<String> bearerGet(String token, String path) {
		return this.api.send(this.api.request(path).header("Authorization", "Bearer " + token).GET().build());
	}

	private HttpResponse<String> bearerPost(String token, String path) {
		return this.api.send(this.api.request(path)
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((TestHttp.enc(user) + ":" + TestHttp.enc(password)).getBytes(StandardCharsets.UTF_8));
	}

}
