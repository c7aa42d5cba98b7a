package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for full-context tests: real requests over loopback.
 */
public final class TestHttp {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newHttpClient();

	private final String baseUrl;

	TestHttp(int port) {
		this.baseUrl = "http://localhost:" + port;
	}

	String baseUrl() {
		return this.baseUrl;
	}

	HttpResponse<String> get(String path, String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path)).GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	HttpResponse<String> postForm(String path, String basicUser, String basicPassword, Map<String, String> form) {
		String body = form.entrySet()
			.stream()
			.map((e) -> enc(e.getKey()) + "=" + enc(e.getValue()))
			.collect(Collectors.joining("&"));
		return post(path, basicUser, basicPassword, "application/x-www-form-urlencoded", body);
	}

	/**
	 * Posts a form with a {@code DPoP} header (RFC 9449 §4.1).
	 * @param path the path
	 * @param form the form
	 * @param proof the proof
	 * @return the response
	 */
	HttpResponse<String> postFormWithProof(String path, Map<String, String> form, String proof) {
		String body = form.entrySet()
			.stream()
			.map((e) -> enc(e.getKey()) + "=" + enc(e.getValue()))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("DPoP", proof)
			.build());
	}

	HttpResponse<String> post(String path, String basicUser, String basicPassword, String contentType, String body) {
		return post(path, basicUser, basicPassword, contentType, body, null);
	}

	HttpResponse<String> post(String path, String basicUser, String basicPassword, String contentType, String body,
			String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.header("Content-Type", contentType);
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		if (basicUser != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((enc(basicUser) + ":" + enc(basicPassword)).getBytes(StandardCharsets.UTF_8)));
		}
		return send(request.build());
	}

	HttpResponse<String> send(String method, String path, String bearer, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	String token(String clientId, String secret, String scope) {
		HttpResponse<String> response = postForm("/oauth2/token", clientId, secret,
				Map.of("grant_type", "client_credentials", "scope", scope));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
		}
		return json(response).get("access_token").asString();
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> send(HttpRequest request) {
		return send(this.client, request);
	}

	/**
	 * Sends a request and reads the body as text, as every HTTP helper of the tests does.
	 * @param client the client
	 * @param request the request
	 * @return the response
	 */
	public static HttpResponse<String> send(HttpClient client, HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
