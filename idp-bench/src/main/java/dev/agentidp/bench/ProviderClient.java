package dev.agentidp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's HTTP side, to a provider on 127.0.0.1: form posts to the OAuth
 * endpoints over one {@link KeepAliveConnection} per load thread (the measured requests),
 * and JSON for the admin API and reads of the provider's metrics over one JDK
 * {@link HttpClient} (setup and sampling, not measured). Response bodies of successful
 * calls carry tokens and keys: they are never printed; only error answers (RFC 6749 error
 * JSON or problem documents) are.
 */
final class ProviderClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	private final HttpClient http;

	private final String baseUrl;

	private final ThreadLocal<KeepAliveConnection> connections;

	private volatile String adminToken;

	ProviderClient(String baseUrl) {
		URI uri = URI.create(baseUrl);
		if (!"127.0.0.1".equals(uri.getHost())) {
			throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + uri.getHost());
		}
		this.baseUrl = baseUrl;
		int port = (uri.getPort() > 0) ? uri.getPort() : 80;
		this.connections = ThreadLocal.withInitial(() -> new KeepAliveConnection(uri.getHost(), port));
		this.http = httpClient();
	}

	/**
	 * A JDK client for the calls that are not measured (admin APIs, metrics): HTTP/1.1, 5
	 * s to connect.
	 */
	static HttpClient httpClient() {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Posts a form on the calling thread's own keep-alive connection.
	 * @param path the endpoint, e.g. {@code /oauth2/token}
	 * @param basicAuth the {@code Authorization} header's value, or {@code null}
	 * @param form the URL-encoded form (ASCII)
	 * @return the answer
	 */
	Answer postForm(String path, String basicAuth, String form) throws IOException {
		return this.connections.get()
			.post(path, "application/x-www-form-urlencoded", basicAuth, form.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Posts a form with a DPoP proof on the calling thread's own keep-alive connection.
	 * @param path the endpoint
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param dpop the {@code DPoP} header's value
	 * @param form the URL-encoded form (ASCII)
	 * @return the answer
	 */
	Answer postForm(String path, String authorization, String dpop, String form) throws IOException {
		return this.connections.get()
			.post(path, "application/x-www-form-urlencoded", authorization, dpop,
					form.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Posts JSON on the calling thread's own keep-alive connection.
	 * @param path the endpoint, e.g. {@code /access/v1/evaluation}
	 * @param basicAuth the {@code Authorization} header's value
	 * @param json the body (ASCII)
	 * @return the answer
	 */
	Answer postJson(String path, String basicAuth, String json) throws IOException {
		return this.connections.get()
			.post(path, "application/json", basicAuth, json.getBytes(StandardCharsets.US_ASCII));
	}

	Answer get(String path, String bearer, Duration timeout) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(timeout).GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return Answer.of(this.http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
	}

	Answer adminPost(String path, Object body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + this.adminToken)
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.build();
		return Answer.of(this.http.send(request, HttpResponse.BodyHandlers.ofString()));
	}

	String adminToken() {
		return this.adminToken;
	}

	/**
	 * Obtains (or renews) the admin token with the bootstrap admin client's secret.
	 * @param secret the bootstrap admin secret
	 */
	void authenticateAdmin(String secret) throws IOException {
		Answer response = postForm("/oauth2/token", basic("idp-admin", secret),
				"grant_type=client_credentials&scope=" + encode("idp:admin"));
		this.adminToken = json(response, "admin token").get("access_token").asString();
	}

	static String basic(String clientId, String secret) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8));
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static String form(Map<String, String> parameters) {
		StringBuilder out = new StringBuilder(512);
		parameters.forEach((name, value) -> {
			if (!out.isEmpty()) {
				out.append('&');
			}
			out.append(name).append('=').append(encode(value));
		});
		return out.toString();
	}

	/**
	 * Parses a 2xx answer, or fails with the status and the (error) body.
	 * @param response the answer
	 * @param what what was asked, for the message
	 * @return the JSON body
	 */
	static JsonNode json(Answer response, String what) {
		return JSON.readTree(ok(response, what).body());
	}

	/**
	 * A 2xx answer as it is, or a failure with the status and the (error) body.
	 * @param response the answer
	 * @param what what was asked, for the message
	 * @return the answer
	 */
	static Answer ok(Answer response, String what) {
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + errorBody(response));
		}
		return response;
	}

	/**
	 * An HTTP 200 answer as it is, or a failure {@code HTTP <status> <error answer>}.
	 * @param response the answer
	 * @return the answer
	 */
	static Answer status200(Answer response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException(failure(response));
		}
		return response;
	}

	/**
	 * An answer that is not the one expected, for a message: {@code HTTP <status> <error
	 * answer>}.
	 * @param response the answer
	 * @return the text
	 */
	static String failure(Answer response) {
		return "HTTP " + response.statusCode() + " " + errorBody(response);
	}

	/** The body of an error answer, shortened; never called for a 2xx answer. */
	static String errorBody(Answer response) {
		if (response.statusCode() / 100 == 2) {
			return "(2xx body not shown)";
		}
		String body = response.body();
		return (body.length() > 300) ? body.substring(0, 300) + "…" : body;
	}

	/**
	 * The {@code access_token} member of a token response, found without a full parse.
	 * @param body the 200 body
	 * @return the token
	 */
	static String accessToken(String body) {
		int start = body.indexOf("\"access_token\":\"");
		if (start < 0) {
			throw new IllegalStateException("no access_token in the token response");
		}
		start += 16;
		return body.substring(start, body.indexOf('"', start));
	}

	/**
	 * A token's {@code jti}, read from its payload (the token is not verified: the
	 * benchmark only needs the id to revoke it through the admin API).
	 * @param token the compact JWT
	 * @return the jti
	 */
	static String jti(String token) {
		int first = token.indexOf('.');
		String payload = new String(
				Base64.getUrlDecoder().decode(token.substring(first + 1, token.indexOf('.', first + 1))),
				StandardCharsets.UTF_8);
		return JSON.readTree(payload).get("jti").asString();
	}

	/**
	 * An HTTP answer: its status code and its body as text.
	 *
	 * @param statusCode the status code
	 * @param body the body, UTF-8
	 */
	record Answer(int statusCode, String body) {

		static Answer of(HttpResponse<String> response) {
			return new Answer(response.statusCode(), response.body());
		}

		@Override
		public String toString() {
			return "Answer[statusCode=" + this.statusCode + "]";
		}

	}

}
