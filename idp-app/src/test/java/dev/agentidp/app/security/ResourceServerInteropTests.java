package dev.agentidp.app.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.plainresourceserver.PlainResourceServerApplication;
import com.example.resourceserver.ResourceServerApplication;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Resource servers built the way {@code docs/tokens.md} ("Verifying tokens in a resource
 * server") says verify the provider's access tokens: a stock Spring Boot resource server
 * ({@code com.example.resourceserver}) by {@code issuer-uri} and by introspection, the
 * PyJWT script {@code docs/examples/verify-token.py} and the jose one
 * {@code verify-token.mjs}; each accepts an agent's token and refuses an altered one, one
 * of another issuer or audience, and (where the library has no clock skew of its own, or
 * through introspection) an expired or revoked one. It also shows why the recipe has its
 * one bean: Spring Boot's decoder as {@code issuer-uri} auto-configures it refuses
 * {@code typ: at+jwt}; and that an EdDSA provider's tokens verify with PyJWT and jose but
 * not with Spring. The scripts' tests skip without python3 and PyJWT or without node and
 * jose, like {@link FirstTokenSnippetsTests}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class ResourceServerInteropTests {

	/** The resource server's URI: the {@code resource} of the agents' token requests. */
	static final String AUDIENCE = "https://crm.example.com";

	static final String SCOPE = "crm:read";

	/** Spring Security's description of a token introspection answers inactive. */
	static final String INACTIVE = "Provided token isn't active";

	/**
	 * The auto-configurations a resource server's own classpath does not have: idp-app's
	 * test classpath also holds the provider's JDBC, Flyway and authorization-server
	 * starters, which would otherwise make the fixture start a DataSource (and fail
	 * without a URL), run Flyway, and publish an authorization server's own JWK source
	 * and {@code JwtDecoder}. The provider's modules add no auto-configuration (no
	 * {@code AutoConfiguration.imports}; idp-app's {@code spring.factories} holds only
	 * failure analyzers), and its beans are found by its component scan of
	 * {@code dev.agentidp}, which the fixture does not share.
	 */
	static final List<String> NOT_ON_A_RESOURCE_SERVERS_CLASSPATH = List.of(
			"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration");

	@TempDir
	static Path dataDir;

	@TempDir
	static Path otherIssuerDataDir;

	@TempDir
	static Path edDsaDataDir;

	@TempDir
	static Path work;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<AutoCloseable> started = new ArrayList<>();

	/** The fixture resource servers started, by base URL. */
	private final Map<String, ConfigurableApplicationContext> resourceServers = new LinkedHashMap<>();

	/** The provider, ES256. */
	private TestProvider provider;

	/**
	 * A second node of the same provider (same schema, same signing key) configured with
	 * another {@code idp.issuer}: its tokens carry a valid signature and the wrong
	 * {@code iss}.
	 */
	private TestProvider otherIssuer;

	/** A provider of its own signing with EdDSA (Ed25519). */
	private TestProvider edDsa;

	private TestAgent agent;

	private TestAgent edDsaAgent;

	private String resourceServerId;

	private String resourceServerSecret;

	private String expiredToken;

	private String jwtResourceServer;

	@BeforeAll
	void start() {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		// both nodes of the shared schema must hold the same key-encryption key
		String kek = Base64.getEncoder().encodeToString(new byte[32]);
		this.provider = started(TestProvider.start(schema, dataDir, "idp.tokens.signing-algorithm", "ES256",
				"idp.tokens.key-encryption-key", kek));
		this.otherIssuer = started(TestProvider.start(schema, otherIssuerDataDir, "idp.tokens.signing-algorithm",
				"ES256", "idp.tokens.key-encryption-key", kek, "idp.issuer", "http://other-issuer.test"));
		this.edDsa = started(
				TestProvider.start(TestDatabase.newSchema(), edDsaDataDir, "idp.tokens.signing-algorithm", "EdDSA"));
		String admin = this.provider.adminToken();
		this.agent = this.provider.registerAgent(admin, List.of(AUDIENCE), SCOPE, "crm:write");
		this.edDsaAgent = this.edDsa.registerAgent(this.edDsa.adminToken(), List.of(AUDIENCE), SCOPE);
		TestProvider.ResourceServer client = this.provider.registerResourceServer(admin, "crm-api");
		this.resourceServerId = client.clientId();
		this.resourceServerSecret = client.secret();
	}

	@AfterAll
	void stop() throws Exception {
		for (AutoCloseable closeable : this.started.reversed()) {
			closeable.close();
		}
	}

	// --- what resource servers discover ----------------------------------------------

	@Test
	void theProviderPublishesTheMetadataAndKeysResourceServersDiscover() {
		HttpResponse<String> metadata = this.provider.get("/.well-known/oauth-authorization-server", null);
		assertThat(metadata.statusCode()).isEqualTo(200);
		JsonNode document = TestHttp.json(metadata);
		assertThat(document.get("issuer").asString()).isEqualTo(this.provider.issuer());
		assertThat(document.get("jwks_uri").asString()).isEqualTo(this.provider.issuer() + "/oauth2/jwks");
		assertThat(document.get("introspection_endpoint").asString())
			.isEqualTo(this.provider.issuer() + "/oauth2/introspect");
		// no OpenID Connect here: Spring's issuer-uri discovery takes the 404 as "not
		// OIDC" and goes on to RFC 8414's metadata
		assertThat(this.provider.get("/.well-known/openid-configuration", null).statusCode()).isEqualTo(404);
		JsonNode keys = TestHttp.json(this.provider.get("/oauth2/jwks", null)).get("keys");
		assertThat(keys.valueStream().map((key) -> key.get("kty").asString() + "/" + key.get("crv").asString()))
			.contains("EC/P-256");
	}

	// --- Spring Boot, issuer-uri ------------------------------------------------------

	@Test
	void springBootByIssuerUriAcceptsAnAgentsToken() {
		String resourceServer = jwtResourceServer();
		HttpResponse<String> whoami = get(resourceServer, token(this.provider, this.agent, AUDIENCE));
		assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(whoami);
		assertThat(answer.get("sub").asString()).isEqualTo(this.agent.id());
		assertThat(answer.get("client_id").asString()).isEqualTo(this.agent.id());
		assertThat(answer.get("scope").asString()).isEqualTo(SCOPE);
		assertThat(get(resourceServer, null).statusCode()).isEqualTo(401);
	}

	@Test
	void springBootByIssuerUriRefusesAnAlteredTokenAndOneOfAnotherIssuerOrAudience() {
		String resourceServer = jwtResourceServer();
		String token = token(this.provider, this.agent, AUDIENCE);
		assertRefused(get(resourceServer, altered(token)), "Invalid signature");
		// the signature dropped
		assertRefused(get(resourceServer, token.substring(0, token.lastIndexOf('.') + 1)), "Malformed token");
		// the same signing key, another iss
		TestAgent sameAgentOnTheOtherNode = new TestAgent(this.agent.id(), this.agent.key(), this.otherIssuer.issuer());
		String otherIssuers = token(this.otherIssuer, sameAgentOnTheOtherNode, AUDIENCE);
		assertThat(TestHttp.claims(otherIssuers).get("iss").asString()).isEqualTo("http://other-issuer.test");
		assertRefused(get(resourceServer, otherIssuers), "The iss claim is not valid");
		// asked for no resource: aud is the issuer, not this resource server
		assertRefused(get(resourceServer, token(this.provider, this.agent, null)), "The aud claim is not valid");
		// An expired token is not tried here: Spring Security's JwtTimestampValidator
		// allows 60 s of clock skew, and tokens live at least 1 s; introspection and
		// the scripts below show expired tokens refused.
	}

	@Test
	void springBootsDecoderWithoutTheRecipesBeanRefusesAtJwt() {
		String plain = startResourceServer(PlainResourceServerApplication.class,
				"spring.security.oauth2.resourceserver.jwt.issuer-uri", this.provider.issuer(),
				"spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		HttpResponse<String> whoami = get(plain, token(this.provider, this.agent, AUDIENCE));
		assertThat(whoami.statusCode()).isEqualTo(401);
		assertThat(whoami.headers().firstValue("WWW-Authenticate").orElse(""))
			.contains("the given typ value needs to be one of [JWT]");
	}

	@Test
	void springBootCannotVerifyAnEdDsaProvidersTokens() {
		String resourceServer = startResourceServer(ResourceServerApplication.class,
				"spring.security.oauth2.resourceserver.jwt.issuer-uri", this.edDsa.issuer(),
				"spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		String token = token(this.edDsa, this.edDsaAgent, AUDIENCE);
		// Spring Security's SignatureAlgorithm has no EdDSA: the decoder that issuer-uri
		// builds on the first request finds no algorithm it knows in the key set, and
		// every request fails (an exception, then 401 on the error page)
		assertThat(get(resourceServer, token).statusCode()).isEqualTo(401);
		JwtDecoder decoder = this.resourceServers.get(resourceServer).getBean(JwtDecoder.class);
		assertThatExceptionOfType(JwtDecoderInitializationException.class).isThrownBy(() -> decoder.decode(token))
			.havingRootCause()
			.withMessage("Failed to find any algorithms from the JWK set");
	}

	/**
	 * An upgrade from the old EdDSA default: the first start with ES256 signs with a new
	 * key at once while the JWKS still holds the EdDSA key, and Spring Boot's resource
	 * server, which knows no EdDSA, verifies the new tokens from that mixed key set.
	 */
	@Test
	void springBootByIssuerUriVerifiesTheNewKeysTokensWhileTheJwksStillHoldsTheOldEdDsaKey(@TempDir Path switchDir) {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		String kek = Base64.getEncoder().encodeToString(new byte[32]);
		try (TestProvider before = TestProvider.start(schema, switchDir, "idp.tokens.signing-algorithm", "EdDSA",
				"idp.tokens.key-encryption-key", kek)) {
			assertThat(TestHttp.json(before.get("/oauth2/jwks", null)).get("keys").get(0).get("kty").asString())
				.isEqualTo("OKP");
		}
		TestProvider after = started(TestProvider.start(schema, switchDir, "idp.tokens.signing-algorithm", "ES256",
				"idp.tokens.key-encryption-key", kek));
		JsonNode keys = TestHttp.json(after.get("/oauth2/jwks", null)).get("keys");
		assertThat(keys.valueStream().map((key) -> key.get("kty").asString())).containsExactlyInAnyOrder("EC", "OKP");
		TestAgent agent = after.registerAgent(after.adminToken(), List.of(AUDIENCE), SCOPE);
		String resourceServer = startResourceServer(ResourceServerApplication.class,
				"spring.security.oauth2.resourceserver.jwt.issuer-uri", after.issuer(),
				"spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		HttpResponse<String> whoami = get(resourceServer, token(after, agent, AUDIENCE));
		assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
		assertThat(TestHttp.json(whoami).get("sub").asString()).isEqualTo(agent.id());
	}

	// --- Spring Boot, introspection ---------------------------------------------------

	@Test
	void springBootByIntrospectionAcceptsALiveTokenAndRefusesARevokedOrExpiredOne() {
		String resourceServer = startResourceServer(ResourceServerApplication.class,
				"spring.security.oauth2.resourceserver.opaquetoken.introspection-uri",
				this.provider.issuer() + "/oauth2/introspect",
				"spring.security.oauth2.resourceserver.opaquetoken.client-id", this.resourceServerId,
				"spring.security.oauth2.resourceserver.opaquetoken.client-secret", this.resourceServerSecret);
		String token = token(this.provider, this.agent, AUDIENCE);
		HttpResponse<String> whoami = get(resourceServer, token);
		assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
		JsonNode answer = TestHttp.json(whoami);
		assertThat(answer.get("sub").asString()).isEqualTo(this.agent.id());
		assertThat(answer.get("client_id").asString()).isEqualTo(this.agent.id());
		assertThat(answer.get("scope").asString()).isEqualTo(SCOPE);
		assertRefused(get(resourceServer, altered(token)), INACTIVE);
		assertRefused(get(resourceServer, expiredToken()), INACTIVE);
		// the agent revokes its own token
		Map<String, String> revoke = this.agent.authForm();
		revoke.put("token", token);
		assertThat(this.provider.postForm("/oauth2/revoke", revoke).statusCode()).isEqualTo(200);
		assertRefused(get(resourceServer, token), INACTIVE);
	}

	// --- PyJWT and jose ---------------------------------------------------------------

	@Test
	void pyJwtVerifiesTheProvidersTokens() {
		String python = ExampleScripts.assumePythonWithPyJwt(work);
		assertVerifies(List.of(python, ExampleScripts.EXAMPLES.resolve("verify-token.py").toString()));
	}

	@Test
	void joseVerifiesTheProvidersTokens() {
		ExampleScripts.assumeNodeWithJose(work);
		assertVerifies(List.of("node", ExampleScripts.EXAMPLES.resolve("verify-token.mjs").toString()));
	}

	@Test
	void docsShowEachVerifierAsItIsAndTheSpringRecipeAsTheFixtureHasIt() throws IOException {
		String docs = Files.readString(ExampleScripts.REPOSITORY.resolve("docs/tokens.md"));
		for (String example : List.of("verify-token.py", "verify-token.mjs")) {
			assertThat(ExampleScripts.fencedBlockAfter(docs, "](examples/" + example + ")"))
				.as("docs/tokens.md's copy of %s", example)
				.isEqualTo(Files.readString(ExampleScripts.EXAMPLES.resolve(example)));
		}
		String application = Files.readString(ExampleScripts.REPOSITORY
			.resolve("idp-app/src/test/java/com/example/resourceserver/ResourceServerApplication.java"));
		String bean = ExampleScripts.fencedBlockAfter(docs, "<!-- the at+jwt bean -->");
		for (String line : bean.lines().filter((line) -> line.contains("JwtTypeValidator")).toList()) {
			assertThat(application).as("the fixture has the docs' line %s", line).contains(line.strip());
		}
		String yaml = ExampleScripts.fencedBlockAfter(docs, "<!-- the issuer-uri properties -->");
		assertThat(yaml).contains("issuer-uri: http://localhost:8080", "audiences: https://crm.example.com");
		String introspection = ExampleScripts.fencedBlockAfter(docs, "<!-- the introspection properties -->");
		assertThat(introspection).contains("introspection-uri: http://localhost:8080/oauth2/introspect", "client-id:",
				"client-secret:");
	}

	private void assertVerifies(List<String> verifier) {
		String token = token(this.provider, this.agent, AUDIENCE);
		ExampleScripts.Result valid = verify(verifier, this.provider, token);
		assertThat(valid.exitCode()).as("stdout: %s; stderr: %s", valid.stdout(), valid.stderr()).isZero();
		JsonNode claims = TestHttp.JSON.readTree(valid.stdout());
		assertThat(claims.get("sub").asString()).isEqualTo(this.agent.id());
		assertThat(claims.get("client_id").asString()).isEqualTo(this.agent.id());
		assertThat(claims.get("scope").asString()).isEqualTo(SCOPE);
		assertScriptRefuses(verifier, this.provider, altered(token), "altered", "signature");
		assertScriptRefuses(verifier, this.provider, token(this.provider, this.agent, null), "another audience", "aud");
		TestAgent sameAgentOnTheOtherNode = new TestAgent(this.agent.id(), this.agent.key(), this.otherIssuer.issuer());
		assertScriptRefuses(verifier, this.provider, token(this.otherIssuer, sameAgentOnTheOtherNode, AUDIENCE),
				"another issuer", "iss");
		assertScriptRefuses(verifier, this.provider, expiredToken(), "expired", "exp");
		// EdDSA too
		String edDsaToken = token(this.edDsa, this.edDsaAgent, AUDIENCE);
		assertThat(
				TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(edDsaToken.substring(0, edDsaToken.indexOf('.'))))
					.get("alg")
					.asString())
			.isEqualTo("EdDSA");
		ExampleScripts.Result edDsaValid = verify(verifier, this.edDsa, edDsaToken);
		assertThat(edDsaValid.exitCode()).as("stdout: %s; stderr: %s", edDsaValid.stdout(), edDsaValid.stderr())
			.isZero();
		assertThat(TestHttp.JSON.readTree(edDsaValid.stdout()).get("sub").asString()).isEqualTo(this.edDsaAgent.id());
		assertScriptRefuses(verifier, this.edDsa, altered(edDsaToken), "altered EdDSA", "signature");
	}

	private ExampleScripts.Result verify(List<String> verifier, TestProvider issuer, String token) {
		List<String> command = new ArrayList<>(verifier);
		command.addAll(List.of(issuer.issuer(), AUDIENCE, token));
		return ExampleScripts.run(work, command);
	}

	/**
	 * The script exits 1 with nothing on stdout and {@code invalid token: } and a message
	 * naming {@code reason} (case aside) on stderr.
	 */
	private void assertScriptRefuses(List<String> verifier, TestProvider issuer, String token, String what,
			String reason) {
		ExampleScripts.Result result = verify(verifier, issuer, token);
		assertThat(result.exitCode()).as("%s token: stdout: %s; stderr: %s", what, result.stdout(), result.stderr())
			.isEqualTo(1);
		assertThat(result.stderr()).as(what).startsWith("invalid token: ").containsIgnoringCase(reason);
		assertThat(result.stdout()).as(what).isEmpty();
	}

	// --- helpers ----------------------------------------------------------------------

	private <T extends AutoCloseable> T started(T closeable) {
		this.started.add(closeable);
		return closeable;
	}

	/** The recipe's resource server by issuer-uri, started once. */
	private String jwtResourceServer() {
		if (this.jwtResourceServer == null) {
			this.jwtResourceServer = startResourceServer(ResourceServerApplication.class,
					"spring.security.oauth2.resourceserver.jwt.issuer-uri", this.provider.issuer(),
					"spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		}
		return this.jwtResourceServer;
	}

	/**
	 * Starts a fixture resource server on a random port with the given properties, as
	 * command-line arguments, and answers its base URL.
	 */
	private String startResourceServer(Class<?> application, String... properties) {
		List<String> args = new ArrayList<>();
		args.add("--server.port=0");
		// the provider's application.yml is on this classpath too: not the resource
		// server's configuration
		args.add("--spring.config.name=resource-server-fixture");
		args.add("--spring.autoconfigure.exclude=" + String.join(",", NOT_ON_A_RESOURCE_SERVERS_CLASSPATH));
		for (int i = 0; i < properties.length; i += 2) {
			args.add("--" + properties[i] + "=" + properties[i + 1]);
		}
		ConfigurableApplicationContext context = started(
				new SpringApplicationBuilder(application).run(args.toArray(String[]::new)));
		assertThat(context.getEnvironment().getProperty("spring.application.name"))
			.as("the provider's application.yml is not read")
			.isNull();
		String baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
		this.resourceServers.put(baseUrl, context);
		return baseUrl;
	}

	private HttpResponse<String> get(String resourceServer, String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(resourceServer + "/whoami"))
			.timeout(Duration.ofSeconds(30))
			.GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return TestHttp.send(this.http, request.build());
	}

	/** 401 {@code invalid_token}, its {@code error_description} naming the reason. */
	private static void assertRefused(HttpResponse<String> response, String reason) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"")
			.contains(reason);
	}

	private static String token(TestProvider issuer, TestAgent agent, String resource) {
		return token(issuer, agent, resource, null);
	}

	private static String token(TestProvider issuer, TestAgent agent, String resource, String ttl) {
		Map<String, String> form = new LinkedHashMap<>(agent.tokenForm(SCOPE));
		if (resource != null) {
			form.put("resource", resource);
		}
		if (ttl != null) {
			form.put("ttl", ttl);
		}
		HttpResponse<String> response = issuer.postForm("/oauth2/token", form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response).get("access_token").asString();
	}

	/** An agent's token of 1 s, once it has expired (minted once, waited for once). */
	private String expiredToken() {
		if (this.expiredToken == null) {
			String token = token(this.provider, this.agent, AUDIENCE, "1");
			Instant expiry = Instant.ofEpochSecond(TestHttp.claims(token).get("exp").asLong());
			long wait = Duration.between(Instant.now(), expiry.plusSeconds(2)).toMillis();
			try {
				Thread.sleep(Math.max(wait, 0));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			this.expiredToken = token;
		}
		return this.expiredToken;
	}

	/** The token with its payload's scope widened, its signature kept. */
	private static String altered(String token) {
		String[] parts = token.split("\\.");
		ObjectNode claims = (ObjectNode) TestHttp.claims(token);
		claims.put("scope", SCOPE + " crm:write");
		String payload = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(TestHttp.JSON.writeValueAsString(claims).getBytes(StandardCharsets.UTF_8));
		return parts[0] + "." + payload + "." + parts[2];
	}

}
