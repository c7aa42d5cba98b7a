package dev.agentidp.resourceserver;

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

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * The kit's calls to the provider as its resource-server client: HTTP Basic with the
 * client id and secret form-encoded first (RFC 6749 §2.3.1), a timeout on every call,
 * answers read as JSON objects. A failure to ask is a
 * {@link ProviderUnavailableException}, never a decision.
 */
final class ProviderHttp {

	/** The largest answer read. */
	private static final int MAX_ANSWER = 256 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client;

	private final String authorization;

	private final Duration timeout;

	ProviderHttp(String clientId, String clientSecret, Duration timeout) {
		Assert.hasText(clientId,
				"agentidp.resource-server.client-id is required: introspection and the policy decision point"
						+ " answer a resource-server client");
		Assert.hasText(clientSecret, "agentidp.resource-server.client-secret is required");
		this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
		this.authorization = "Basic " + Base64.getEncoder()
			.encodeToString((form(clientId) + ":" + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
		this.timeout = timeout;
	}

	/** One answer: its status and its JSON object (empty when it is not one). */
	record Answer(int status, Map<String, Object> body) {
	}

	Answer postForm(String uri, Map<String, String> form) {
		StringBuilder body = new StringBuilder();
		form.forEach((name,
				value) -> body.append(body.isEmpty() ? "" : "&").append(form(name)).append('=').append(form(value)));
		return send(uri, "application/x-www-form-urlencoded", body.toString());
	}

	Answer postJson(String uri, Map<String, Object> json) {
		return send(uri, "application/json", JSON.writeValueAsString(json));
	}

	@SuppressWarnings("unchecked")
	private Answer send(String uri, String contentType, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
			.timeout(this.timeout)
			.header("Content-Type", contentType)
			.header("Accept", "application/json")
			.header("Authorization", this.authorization)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<byte[]> response;
		try {
			response = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new ProviderUnavailableException("The provider could not be reached at " + uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProviderUnavailableException("Interrupted while asking the provider", ex);
		}
		byte[] bytes = response.body();
		if (bytes.length > MAX_ANSWER) {
			throw new ProviderUnavailableException("The provider's answer from " + uri + " is too large", null);
		}
		Map<String, Object> parsed;
		try {
			Object value = (bytes.length == 0) ? null : JSON.readValue(bytes, Object.class);
			parsed = (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
		}
		catch (JacksonException ex) {
			parsed = Map.of();
		}
		return new Answer(response.statusCode(), parsed);
	}

	static String form(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
