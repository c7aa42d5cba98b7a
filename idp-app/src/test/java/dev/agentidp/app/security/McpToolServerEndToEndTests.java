package dev.agentidp.app.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.example.mcptoolserver.McpToolServerApplication;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Issue 17 end to end: the provider, the example MCP tool server
 * ({@code com.example.mcptoolserver}: the official MCP Java SDK's servlet transport and
 * the resource-server kit) and an MCP client of the official SDK whose request customizer
 * adds {@code Authorization: DPoP} and a fresh proof to every request. The agent gets a
 * DPoP-bound token, sees only the tool it may call in {@code tools/list}, calls it, is
 * refused the other (by the policy decision point, audited), a replayed proof is refused,
 * and after its token is revoked every call is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpToolServerEndToEndTests {

	/** The tool server's resource identifier, in the agent's document and its token. */
	static final String GITHUB = "https://mcp.example.com/github";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final OctetKeyPair proofKey = TestAgent.newKey();

	private TestProvider provider;

	private ConfigurableApplicationContext toolServer;

	private String toolServerUrl;

	private String admin;

	private String agentId;

	private TestAgent agent;

	@BeforeAll
	void start() throws Exception {
		this.provider = TestProvider.shared();
		this.admin = this.provider.adminToken();
		HttpResponse<String> registered = this.provider.postJson("/admin/v1/agents", """
				{"name": "mcp-agent-%s", "owner": "owner@example.com",
				 "capabilities": [{"scope": "github:create_pr", "riskLevel": "low"},
				                  {"scope": "github:merge", "riskLevel": "high"}],
				 "tools": [{"id": "github", "mcpServer": "%s", "permissions": ["create_pr", "merge"]}],
				 "generateKey": true}""".formatted(UUID.randomUUID(), GITHUB), this.admin);
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		JsonNode document = TestHttp.json(registered);
		this.agentId = document.get("id").asString();
		this.agent = new TestAgent(this.agentId, OctetKeyPair.parse(document.get("privateJwk").toString()),
				this.provider.issuer());
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.config.name=mcp-tool-server-fixture",
				"--spring.autoconfigure.exclude="
						+ String.join(",", ResourceServerInteropTests.NOT_ON_A_RESOURCE_SERVERS_CLASSPATH),
				"--agentidp.resource-server.issuer=" + this.provider.issuer(),
				"--agentidp.resource-server.resource=" + GITHUB,
				"--agentidp.resource-server.scopes-supported=github:create_pr,github:merge"));
		args.addAll(clientCredentials(this.provider, this.admin));
		this.toolServer = new SpringApplicationBuilder(McpToolServerApplication.class).run(args.toArray(String[]::new));
		this.toolServerUrl = "http://localhost:" + this.toolServer.getEnvironment().getProperty("local.server.port");
	}

	/**
	 * How the tool server authenticates to the provider: here as a resource-server client
	 * with a secret ({@code client_secret_basic}).
	 * @param provider the provider
	 * @param admin an admin token
	 * @return the tool server's arguments
	 */
	List<String> clientCredentials(TestProvider provider, String admin) {
		TestProvider.ResourceServer client = provider.registerResourceServer(admin, "mcp-github");
		return List.of("--agentidp.resource-server.client-id=" + client.clientId(),
				"--agentidp.resource-server.client-secret=" + client.secret());
	}

	@AfterAll
	void stop() {
		if (this.toolServer != null) {
			this.toolServer.close();
		}
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void anAgentWithADpopBoundTokenSeesCallsAndIsRefusedAsThePolicySays() throws Exception {
		// only create_pr is in the token: merge is declared but not granted
		String token = dpopToken("github:create_pr");
		AtomicReference<String> lastProof = new AtomicReference<>();
		try (McpSyncClient client = client(token, lastProof)) {
			client.initialize();
			List<String> listed = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
			assertThat(listed).as("tools/list filtered by the PDP's search").containsExactly("create_pr");
			McpSchema.CallToolResult created = client
				.callTool(new McpSchema.CallToolRequest("create_pr", Map.of("repo", "acme/app")));
			assertThat(created.isError()).as(text(created)).isNotEqualTo(Boolean.TRUE);
			assertThat(text(created)).isEqualTo("create_pr done on acme/app");
			McpSchema.CallToolResult merged = client
				.callTool(new McpSchema.CallToolRequest("merge", Map.of("repo", "acme/app")));
			assertThat(merged.isError()).isTrue();
			assertThat(text(merged)).contains("github:merge");
			// a replayed proof: refused by the kit before anything runs
			HttpResponse<String> replayed = TestHttp.send(this.http,
					HttpRequest.newBuilder(URI.create(this.toolServerUrl + "/mcp"))
						.header("Authorization", "DPoP " + token)
						.header("DPoP", lastProof.get())
						.header("Content-Type", "application/json")
						.header("Accept", "application/json, text/event-stream")
						.POST(HttpRequest.BodyPublishers
							.ofString("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/list\"}"))
						.build());
			assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
			assertThat(replayed.headers().firstValue("WWW-Authenticate").orElse(""))
				.startsWith("DPoP error=\"invalid_dpop_proof\"")
				.contains("used before");
			// the decisions are the provider's: audited on the agent's chain
			assertThat(this.provider.jdbc()
				.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'"
						+ " AND decision = 'allow' AND target = 'github'")
				.param(this.agentId)
				.query(Long.class)
				.single()).isEqualTo(1);
			assertThat(this.provider.jdbc()
				.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'access.evaluated'"
						+ " AND reason LIKE 'scope_missing: %'")
				.param(this.agentId)
				.query(Long.class)
				.single()).isEqualTo(1);
			// revoked: the next call is refused at once (introspection, no cache)
			HttpResponse<String> revoked = this.provider.postForm("/oauth2/revoke", Map.of("token", token), "idp-admin",
					TestProvider.ADMIN_SECRET);
			assertThat(revoked.statusCode()).isEqualTo(200);
			assertThatException()
				.isThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("create_pr", Map.of("repo", "x"))));
		}
		// and the refusal is 401 invalid_token with the challenge
		HttpResponse<String> after = TestHttp.send(this.http,
				HttpRequest.newBuilder(URI.create(this.toolServerUrl + "/mcp"))
					.header("Authorization", "DPoP " + token)
					.header("DPoP", proof("POST", this.toolServerUrl + "/mcp", token))
					.header("Content-Type", "application/json")
					.header("Accept", "application/json, text/event-stream")
					.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
					.build());
		assertThat(after.statusCode()).isEqualTo(401);
		assertThat(after.headers().firstValue("WWW-Authenticate").orElse(""))
			.startsWith("DPoP error=\"invalid_token\"");
	}

	@Test
	void withoutATokenTheServerChallengesWithItsMetadata() {
		HttpResponse<String> response = TestHttp.send(this.http,
				HttpRequest.newBuilder(URI.create(this.toolServerUrl + "/mcp"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{}"))
					.build());
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).allSatisfy((challenge) -> assertThat(challenge)
			.contains("resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/github\""));
		HttpResponse<String> metadata = TestHttp.send(this.http,
				HttpRequest.newBuilder(URI.create(this.toolServerUrl + "/.well-known/oauth-protected-resource/github"))
					.GET()
					.build());
		assertThat(metadata.statusCode()).isEqualTo(200);
		JsonNode document = TestHttp.json(metadata);
		assertThat(document.get("resource").asString()).isEqualTo(GITHUB);
		assertThat(document.get("authorization_servers").get(0).asString()).isEqualTo(this.provider.issuer());
	}

	/**
	 * An MCP client of the official SDK: every request carries the token and a fresh
	 * proof.
	 */
	private McpSyncClient client(String token, AtomicReference<String> lastProof) {
		HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(this.toolServerUrl)
			.endpoint("/mcp")
			.httpRequestCustomizer((request, method, uri, body, context) -> {
				String proof = proof(method, uri.toString(), token);
				lastProof.set(proof);
				request.header("Authorization", "DPoP " + token);
				request.header("DPoP", proof);
			})
			.build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
	}

	private String dpopToken(String scope) {
		Map<String, String> form = new java.util.LinkedHashMap<>(this.agent.tokenForm(scope));
		form.put("resource", GITHUB);
		HttpResponse<String> issued = this.provider.postFormWithHeaders("/oauth2/token", form, "DPoP",
				proof("POST", this.provider.issuer() + "/oauth2/token", null));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(issued);
		assertThat(answer.get("token_type").asString()).isEqualTo("DPoP");
		return answer.get("access_token").asString();
	}

	private static String text(McpSchema.CallToolResult result) {
		return result.content()
			.stream()
			.filter(McpSchema.TextContent.class::isInstance)
			.map((content) -> ((McpSchema.TextContent) content).text())
			.reduce("", String::concat);
	}

	private String proof(String method, String uri, String token) {
		return TestAgent.dpopProof(this.proofKey, method, uri, token, (claims) -> {
		});
	}

}
