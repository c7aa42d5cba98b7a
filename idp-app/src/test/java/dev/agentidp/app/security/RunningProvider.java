package dev.agentidp.app.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.agentidp.app.IdentityProviderApplication;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.db.test.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A provider started the way a deployment starts it (command-line properties beat
 * {@code application.yml}) on a given schema and random port, with the helpers the
 * security tests share: raw HTTP, an admin token, agents registered through the admin
 * API, client assertions and row counts.
 */
final class RunningProvider implements AutoCloseable {

	static final String ADMIN_SECRET = "security-tests-admin-secret-0123456789abcdefghij";

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Map<String, HttpClient> clientsBySource = new java.util.concurrent.ConcurrentHashMap<>();

	private final String baseUrl;

	private final String issuer;

	private RunningProvider(ConfigurableApplicationContext context) {
		this.context = context;
		this.baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
		String configured = context.getEnvironment().getProperty("idp.issuer");
		this.issuer = (configured != null && !configured.isBlank()) ? configured : this.baseUrl;
	}

	static RunningProvider start(TestDatabase.Schema schema, Path dataDir, String... extra) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", schema.url());
		if (schema.username() != null) {
			properties.put("spring.datasource.username", schema.username());
		}
		if (schema.password() != null) {
			properties.put("spring.datasource.password", schema.password());
		}
		properties.put("idp.data-dir", dataDir.toString());
		properties.put("server.port", "0");
		properties.put("IDP_BOOTSTRAP_ADMIN_SECRET", ADMIN_SECRET);
		for (int i = 0; i < extra.length; i += 2) {
			properties.put(extra[i], extra[i + 1]);
		}
		String[] args = properties.entrySet()
			.stream()
			.map((e) -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new);
		return new RunningProvider(new SpringApplicationBuilder(IdentityProviderApplication.class).run(args));
	}

	/**
	 * Two provider nodes on one new schema, as behind a load balancer: they share the
	 * key-encryption key, as a deployment's nodes must, and one issuer, the load
	 * balancer's URL (assertions name it as their audience).
	 * @param dataA the first node's data directory
	 * @param dataB the second node's
	 * @param extra further properties of both, as name-value pairs
	 * @return the two nodes, started
	 */
	static List<RunningProvider> twoNodes(Path dataA, Path dataB, String... extra) {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kek = Base64.getEncoder().encodeToString(new byte[32]);
		String[] shared = new String[extra.length + 4];
		shared[0] = "idp.tokens.key-encryption-key";
		shared[1] = kek;
		shared[2] = "idp.issuer";
		shared[3] = "http://idp.test";
		System.arraycopy(extra, 0, shared, 4, extra.length);
		RunningProvider a = start(schema, dataA, shared);
		try {
			return List.of(a, start(schema, dataB, shared));
		}
		catch (RuntimeException ex) {
			a.close();
			throw ex;
		}
	}

	String issuer() {
		return this.issuer;
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	String baseUrl() {
		return this.baseUrl;
	}

	JdbcClient jdbc() {
		return this.context.getBean(JdbcClient.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

	// --- HTTP ------------------------------------------------------------------------

	HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(Duration.ofSeconds(30));
	}

	HttpResponse<String> send(HttpRequest request) {
		return TestHttp.send(this.client, request);
	}

	HttpResponse<String> get(String path, String bearer) {
		HttpRequest.Builder request = request(path).GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	HttpResponse<String> postForm(String path, Map<String, String> form) {
		return postForm(path, form, null, null);
	}

	HttpResponse<String> postForm(String path, Map<String, String> form, String basicUser, String basicPassword) {
		HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form)));
		if (basicUser != null) {
			request.header("Authorization", basic(basicUser, basicPassword));
		}
		return send(request.build());
	}

	/**
	 * Posts a form with extra headers.
	 * @param path the path
	 * @param form the form
	 * @param headers header names and values, alternating (a name may repeat)
	 * @return the response
	 */
	HttpResponse<String> postFormWithHeaders(String path, Map<String, String> form, String... headers) {
		HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form)));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return send(request.build());
	}

	/**
	 * Posts a form from a given local address (a loopback address such as
	 * {@code 127.0.0.2}: Linux routes all of 127/8 to the loopback interface), so that
	 * the provider sees that address as the request's source.
	 * @param source the local address to connect from
	 * @param path the path
	 * @param form the form
	 * @return the response
	 */
	HttpResponse<String> postFormFrom(String source, String path, Map<String, String> form) {
		HttpClient from = this.clientsBySource.computeIfAbsent(source, (address) -> {
			try {
				return HttpClient.newBuilder()
					.connectTimeout(Duration.ofSeconds(5))
					.localAddress(java.net.InetAddress.getByName(address))
					.build();
			}
			catch (java.net.UnknownHostException ex) {
				throw new IllegalArgumentException(ex);
			}
		});
		// localhost resolves to 127.0.0.1 first (java.net.preferIPv6Addresses is false)
		return TestHttp.send(from,
				HttpRequest.newBuilder(URI.create(this.baseUrl + path))
					.timeout(Duration.ofSeconds(30))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
					.build());
	}

	HttpResponse<String> postJson(String path, String json, String bearer) {
		return send(request(path).header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + bearer)
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	/**
	 * Registers a resource server (client_secret_basic) through the admin API.
	 * @param adminToken an admin token
	 * @param name its name
	 * @return its client id and the secret shown once
	 */
	ResourceServer registerResourceServer(String adminToken, String name) {
		HttpResponse<String> client = postJson("/admin/v1/clients",
				"{\"name\":\"" + name + "\",\"kind\":\"resource_server\",\"scopes\":[]}", adminToken);
		if (client.statusCode() != 201) {
			throw new IllegalStateException("registering " + name + ": " + client.statusCode() + " " + client.body());
		}
		JsonNode answer = json(client);
		return new ResourceServer(answer.get("clientId").asString(), answer.get("clientSecret").asString());
	}

	/** A resource server's credentials. */
	record ResourceServer(String clientId, String secret) {
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((enc(user) + ":" + enc(password)).getBytes(StandardCharsets.UTF_8));
	}

	static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((e) -> enc(e.getKey()) + "=" + enc(e.getValue()))
			.collect(Collectors.joining("&"));
	}

	static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	// --- the actors --------------------------------------------------------------------

	String adminToken() {
		HttpResponse<String> response = postForm("/oauth2/token",
				Map.of("grant_type", "client_credentials", "scope", "idp:admin idp:audit:read"), "idp-admin",
				ADMIN_SECRET);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("admin token: " + response.statusCode() + " " + response.body());
		}
		return json(response).get("access_token").asString();
	}

	TestAgent registerAgent(String adminToken, String... scopes) {
		return agents(adminToken).register(scopes);
	}

	/**
	 * Registers an agent with a generated key that declares these resources (the
	 * audiences its tokens may name).
	 */
	TestAgent registerAgent(String adminToken, List<String> resources, String... scopes) {
		return agents(adminToken).register(resources, scopes);
	}

	/**
	 * Registers an agent with a generated key and returns the admin API's answer as it
	 * came, {@code privateJwk} included (what a user saves with curl).
	 */
	String registerAgentAnswer(String adminToken, String... scopes) {
		return agents(adminToken).document().scopes(scopes).registerAnswer();
	}

	TestAgents agents(String adminToken) {
		return new TestAgents(new TestHttp(this.baseUrl), adminToken, this.issuer);
	}

	long rows(String table) {
		return jdbc().sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	/** Rows of every table a refused request must leave alone. */
	Map<String, Long> guardedRows() {
		Map<String, Long> rows = new LinkedHashMap<>();
		for (String table : List.of("issued_token", "agent", "agent_key", "oauth_client", "signing_key",
				"budget_ledger")) {
			rows.put(table, rows(table));
		}
		return rows;
	}

	JsonNode verifyAudit(String adminToken) {
		HttpResponse<String> response = get("/admin/v1/audit/verify", adminToken);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("audit verify: " + response.statusCode() + " " + response.body());
		}
		return json(response);
	}

	static JsonNode payload(String jwt) {
		return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
	}

}
