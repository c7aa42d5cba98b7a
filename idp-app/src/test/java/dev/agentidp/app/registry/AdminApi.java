package dev.agentidp.app.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.agentidp.app.TestHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small admin API client for full-context tests: real HTTP over loopback with a bearer
 * token obtained from the provider itself.
 */
final class AdminApi {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final String ADMIN_SECRET = "registry-test-bootstrap-secret-0123456789-abcdef";

	private final HttpClient client = HttpClient.newHttpClient();

	private final String baseUrl;

	private String token;

	AdminApi(int port) {
		this.baseUrl = "http://localhost:" + port;
	}

	String token() {
		if (this.token == null) {
			this.token = token("idp-admin", ADMIN_SECRET, "idp:admin");
		}
		return this.token;
	}

	String token(String clientId, String secret, String scope) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization",
					"Basic " + Base64.getEncoder()
						.encodeToString((enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + enc(scope)))
			.build();
		HttpResponse<String> response = send(request);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
		}
		return json(response).get("access_token").asString();
	}

	HttpResponse<String> get(String path) {
		return send(authorized(path).GET().build());
	}

	HttpResponse<String> post(String path, String json) {
		return send(authorized(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	HttpResponse<String> post(String path, String contentType, String body) {
		return send(authorized(path).header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	HttpResponse<String> postNoBody(String path) {
		return send(authorized(path).POST(HttpRequest.BodyPublishers.noBody()).build());
	}

	HttpResponse<String> patch(String path, String json, String ifMatch) {
		HttpRequest.Builder request = authorized(path).header("Content-Type", "application/merge-patch+json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString(json));
		if (ifMatch != null) {
			request.header("If-Match", ifMatch);
		}
		return send(request.build());
	}

	HttpResponse<String> patchAs(String path, String contentType, String json) {
		return send(authorized(path).header("Content-Type", contentType)
			.method("PATCH", HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	HttpResponse<String> delete(String path) {
		return send(authorized(path).DELETE().build());
	}

	HttpResponse<String> send(HttpRequest request) {
		return TestHttp.send(this.client, request);
	}

	HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path));
	}

	private HttpRequest.Builder authorized(String path) {
		return request(path).header("Authorization", "Bearer " + token());
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
