package dev.agentidp.resourceserver;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the provider's endpoints the kit calls, for the kit's own tests (the
 * real provider is exercised end to end in idp-app's {@code McpToolServerEndToEndTests}):
 * introspection answers what {@link #introspection} holds for a token (else inactive) and
 * checks the resource-server client's Basic credentials; the JWKS serves {@link #jwks};
 * the AuthZEN evaluation allows the actions in {@link #allowedActions}, and records every
 * request it receives.
 */
final class StubProvider implements AutoCloseable {

	static final String CLIENT_ID = "kit-rs";

	static final String CLIENT_SECRET = "kit-rs-secret";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	final Map<String, Map<String, Object>> introspection = new ConcurrentHashMap<>();

	final AtomicInteger introspections = new AtomicInteger();

	final AtomicInteger jwksFetches = new AtomicInteger();

	volatile JWKSet jwks = new JWKSet();

	volatile List<String> allowedActions = List.of("create_pr");

	final List<Map<String, Object>> policyRequests = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	StubProvider() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String basic = "Basic " + java.util.Base64.getEncoder()
			.encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
		this.server.createContext("/oauth2/introspect", (exchange) -> {
			this.introspections.incrementAndGet();
			if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				answer(exchange, 401, Map.of("error", "invalid_client"));
				return;
			}
			String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			String token = null;
			for (String pair : form.split("&")) {
				if (pair.startsWith("token=")) {
					token = java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
				}
			}
			Map<String, Object> active = (token != null) ? this.introspection.get(token) : null;
			answer(exchange, 200, (active != null) ? active : Map.of("active", false));
		});
		this.server.createContext("/oauth2/jwks", (exchange) -> {
			this.jwksFetches.incrementAndGet();
			byte[] body = this.jwks.toString(true).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.createContext("/access/v1/evaluation", (exchange) -> {
			Map<String, Object> request = read(exchange);
			this.policyRequests.add(request);
			String action = (String) ((Map<?, ?>) request.get("action")).get("name");
			boolean allowed = this.allowedActions.contains(action);
			answer(exchange, 200,
					allowed ? Map.of("decision", true, "context", Map.of("id", "d-1", "code", "allowed"))
							: Map.of("decision", false, "context",
									Map.of("id", "d-2", "code", "scope_missing", "reason_admin",
											Map.of("en", "lacks scope"), "reason_user",
											Map.of("en", "The access token does not allow " + action))));
		});
		this.server.createContext("/access/v1/search/action", (exchange) -> {
			this.policyRequests.add(read(exchange));
			answer(exchange, 200,
					Map.of("results", this.allowedActions.stream().map((name) -> Map.of("name", name)).toList(), "page",
							Map.of("next_token", "", "count", this.allowedActions.size(), "total",
									this.allowedActions.size())));
		});
		this.server.start();
	}

	String issuer() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> read(HttpExchange exchange) throws IOException {
		return JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
	}

	private static void answer(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
