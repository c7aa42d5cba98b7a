package dev.agentidp.resourceserver;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * The kit's calls to the provider as its resource-server client, authenticated either
 * with its secret, HTTP Basic with the client id and secret form-encoded first (RFC 6749
 * §2.3.1), or with its own key ({@code private_key_jwt}, RFC 7523): a fresh client
 * assertion in each form body (introspection), and, for JSON bodies (the policy decision
 * point, where RFC 7523's form parameters cannot travel), the client's own access token
 * as a Bearer credential (RFC 6750), got by client credentials and reused until 30 s
 * before it expires (once more after a 401). A timeout on every call, answers read as
 * JSON objects. A failure to ask is a {@link ProviderUnavailableException}, never a
 * decision.
 */
final class ProviderHttp {

	/** The largest answer read. */
	private static final int MAX_ANSWER = 256 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Renew the client's own token this long before it expires. */
	private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

	private final HttpClient client;

	private final String clientId;

	/** HTTP Basic, or {@code null} when the client authenticates with its key. */
	private final String authorization;

	private final ClientKey key;

	private final String issuer;

	private final Duration timeout;

	private final Clock clock;

	/** The client's own access token and when to renew it ({@code private_key_jwt}). */
	private volatile String[] bearer;

	private volatile Instant renewAt = Instant.MIN;

	ProviderHttp(String clientId, String clientSecret, Duration timeout) {
		this(clientId, clientSecret, null, null, timeout, Clock.systemUTC());
	}

	/**
	 * @param clientId the resource-server client
	 * @param clientSecret its secret, or {@code null} when it authenticates with its key
	 * @param clientJwk its private JWK, or {@code null} when it authenticates with its
	 * secret
	 * @param issuer the provider's issuer (the assertions' {@code aud}, and below it the
	 * token endpoint)
	 * @param timeout the timeout of every call
	 * @param clock the clock of the assertions
	 */
	ProviderHttp(String clientId, String clientSecret, String clientJwk, String issuer, Duration timeout, Clock clock) {
		Assert.hasText(clientId,
				"agentidp.resource-server.client-id is required: introspection and the policy decision point"
						+ " answer a resource-server client");
		boolean secret = clientSecret != null && !clientSecret.isBlank();
		boolean jwk = clientJwk != null && !clientJwk.isBlank();
		Assert.isTrue(secret != jwk, "exactly one of agentidp.resource-server.client-secret (client_secret_basic)"
				+ " and agentidp.resource-server.client-jwk (private_key_jwt) is required");
		Assert.isTrue(!jwk || issuer != null, "issuer cannot be null");
		this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
		this.clientId = clientId;
		this.authorization = secret
				? "Basic " + Base64.getEncoder()
					.encodeToString((form(clientId) + ":" + form(clientSecret)).getBytes(StandardCharsets.UTF_8))
				: null;
		this.key = jwk ? new ClientKey(clientJwk) : null;
		this.issuer = issuer;
		this.timeout = timeout;
		this.clock = clock;
	}

	/** One answer: its status and its JSON object (empty when it is not one). */
	record Answer(int status, Map<String, Object> body) {
	}

	Answer postForm(String uri, Map<String, String> form) {
		Map<String, String> fields = new LinkedHashMap<>(form);
		if (this.key != null) {
			// RFC 7523 §2.2
			fields.put("client_id", this.clientId);
			fields.put("client_assertion_type", ClientKey.ASSERTION_TYPE);
			fields.put("client_assertion", this.key.assertion(this.clientId, this.issuer, this.clock.instant()));
		}
		StringBuilder body = new StringBuilder();
		fields.forEach((name,
				value) -> body.append(body.isEmpty() ? "" : "&").append(form(name)).append('=').append(form(value)));
		return send(uri, "application/x-www-form-urlencoded", body.toString(), this.authorization);
	}

	Answer postJson(String uri, Map<String, Object> json) {
		String body = JSON.writeValueAsString(json);
		if (this.key == null) {
			return send(uri, "application/json", body, this.authorization);
		}
		Answer answer = send(uri, "application/json", body, "Bearer " + ownToken(false));
		if (answer.status() == 401) {
			// revoked or expired early: once more with a new token
			answer = send(uri, "application/json", body, "Bearer " + ownToken(true));
		}
		return answer;
	}

	/**
	 * A JSON call with the client's own access token as {@code Authorization: Bearer},
	 * whichever way it authenticates (the provider's shared-signals endpoints take only
	 * that), renewed once after a 401.
	 * @param method the HTTP method
	 * @param uri the endpoint
	 * @param json the body, or {@code null} for none
	 * @return the answer
	 */
	Answer sendWithToken(String method, String uri, Map<String, Object> json) {
		String body = (json != null) ? JSON.writeValueAsString(json) : "";
		Answer answer = send(method, uri, "application/json", body, "Bearer " + ownToken(false));
		if (answer.status() == 401) {
			answer = send(method, uri, "application/json", body, "Bearer " + ownToken(true));
		}
		return answer;
	}

	/** The client's own access token, by client credentials with its key or secret. */
	private String ownToken(boolean renew) {
		String[] current = this.bearer;
		if (!renew && current != null && this.clock.instant().isBefore(this.renewAt)) {
			return current[0];
		}
		synchronized (this) {
			if (!renew && this.bearer != null && this.clock.instant().isBefore(this.renewAt)) {
				return this.bearer[0];
			}
			String tokenEndpoint = (this.issuer.endsWith("/") ? this.issuer.substring(0, this.issuer.length() - 1)
					: this.issuer) + "/oauth2/token";
			Answer answer = postForm(tokenEndpoint, Map.of("grant_type", "client_credentials"));
			if (answer.status() != 200 || !(answer.body().get("access_token") instanceof String token)) {
				throw new ProviderUnavailableException("The provider refused the resource server's own token ("
						+ answer.status() + " " + answer.body().get("error") + ")", null);
			}
			long expiresIn = (answer.body().get("expires_in") instanceof Number number) ? number.longValue() : 60;
			this.renewAt = this.clock.instant().plusSeconds(expiresIn).minus(RENEW_BEFORE);
			this.bearer = new String[] { token };
			return token;
		}
	}

	@SuppressWarnings("unchecked")
	private Answer send(String uri, String contentType, String body, String authorization) {
		return send("POST", uri, contentType, body, authorization);
	}

	private Answer send(String method, String uri, String contentType, String body, String authorization) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri))
			.timeout(this.timeout)
			.header("Content-Type", contentType)
			.header("Accept", "application/json");
		if (authorization != null) {
			builder.header("Authorization", authorization);
		}
		HttpRequest request = builder.method(method, HttpRequest.BodyPublishers.ofString(body)).build();
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
