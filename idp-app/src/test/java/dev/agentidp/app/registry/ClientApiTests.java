package dev.agentidp.app.registry;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/v1/clients} over HTTP.
 */
class ClientApiTests extends AdminApiTestSupport {

	private static final String CLIENTS = "/admin/v1/clients";

	@Test
	void adminClientGetsASecretOnceThatWorksAtTheTokenEndpoint() {
		HttpResponse<String> response = this.api.post(CLIENTS,
				"{\"name\": \"auditor\", \"kind\": \"admin\", \"scopes\": [\"idp:audit:read\"]}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode client = AdminApi.json(response);
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
		JsonNode client = AdminApi.json(response);
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

}
