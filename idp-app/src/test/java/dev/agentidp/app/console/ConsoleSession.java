package dev.agentidp.app.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A console session over plain HTTP (no browser): a cookie jar, the CSRF token read from
 * each page's forms, and form posts with or without it.
 */
final class ConsoleSession {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final String baseUrl;

	private final HttpClient client;

	private String csrf;

	ConsoleSession(int port) {
		this("http://localhost:" + port);
	}

	ConsoleSession(String baseUrl) {
		this.baseUrl = baseUrl;
		this.client = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** GETs a page and keeps the CSRF token of its forms. */
	HttpResponse<String> get(String path) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(this.baseUrl + path)).GET().build());
		Matcher token = CSRF.matcher(response.body());
		if (token.find()) {
			this.csrf = token.group(1);
		}
		return response;
	}

	/** Signs in through the form; answers the login POST's response (a redirect). */
	HttpResponse<String> signIn(String username, String password) {
		get("/console/login");
		Map<String, String> form = new LinkedHashMap<>();
		form.put("username", username);
		form.put("password", password);
		return post("/console/login", form, true);
	}

	/** POSTs a form, with the last CSRF token read or without any. */
	HttpResponse<String> post(String path, Map<String, String> form, boolean withCsrf) {
		Map<String, String> fields = new LinkedHashMap<>(form);
		if (withCsrf && this.csrf != null) {
			fields.put("_csrf", this.csrf);
		}
		String body = fields.entrySet()
			.stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	/** The last CSRF token read from a page's forms, or {@code null}. */
	String csrf() {
		return this.csrf;
	}

	/** Sends a request of the test's own to a path, with the session's cookie. */
	HttpResponse<String> send(String path, java.util.function.UnaryOperator<HttpRequest.Builder> request) {
		return send(request.apply(HttpRequest.newBuilder(URI.create(this.baseUrl + path))).build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
