package dev.agentidp.app.security;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A mainstream client library, unmodified, gets an agent token: the test resource
 * {@code interop/authlib_client.py} uses authlib's {@code OAuth2Session} with its stock
 * {@code PrivateKeyJWT} client authentication (RFC 7523), configured only with the
 * agent's id, its private JWK from the registration answer, {@code alg} EdDSA and the
 * token endpoint from the RFC 8414 metadata. authlib 1.2 sends no {@code client_id} in
 * the form (RFC 7521 §4.2: the assertion's {@code iss} names the client), and an
 * assertion that expires 3600 s after its {@code iat}, with {@code aud} the token
 * endpoint URL and the JWK's {@code kid} in the header: this pins that the provider
 * accepts exactly that, and that the token introspects active, for the agent itself
 * (authlib again) and for a resource server. Needs {@code /usr/bin/python3} with authlib,
 * requests and cryptography (Debian: python3-authlib, python3-requests; {@code .ci/run}
 * installs them); without them the test is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class AuthlibInteropTests {

	static final String PYTHON = "/usr/bin/python3";

	static final String SCOPE = "crm:read";

	@TempDir
	static Path work;

	private TestProvider provider;

	private JsonNode agent;

	private Path agentJson;

	private String resourceServerId;

	private String resourceServerSecret;

	@BeforeAll
	void start() throws IOException {
		this.provider = TestProvider.shared();
		String admin = this.provider.adminToken();
		String answer = this.provider.registerAgentAnswer(admin, SCOPE, "crm:write");
		this.agent = TestHttp.JSON.readTree(answer);
		this.agentJson = Files.writeString(work.resolve("agent.json"), answer);
		TestProvider.ResourceServer client = this.provider.registerResourceServer(admin, "authlib-rs");
		this.resourceServerId = client.clientId();
		this.resourceServerSecret = client.secret();
	}

	@AfterAll
	void stop() {
		this.provider.close();
	}

	@Test
	void authlibsStockPrivateKeyJwtGetsAnAgentTokenThatIntrospectsActive() throws Exception {
		assumeThat(run(List.of(PYTHON, "-c", "import authlib, requests, cryptography")).exitCode())
			.as("%s with authlib, requests and cryptography (apt install python3-authlib python3-requests)", PYTHON)
			.isZero();
		Path script = Path.of(AuthlibInteropTests.class.getResource("/interop/authlib_client.py").toURI());
		String agentId = this.agent.get("id").asString();
		ExampleScripts.Result result = run(
				List.of(PYTHON, script.toString(), this.provider.issuer(), this.agentJson.toString(), SCOPE));
		assertThat(result.exitCode()).as("authlib_client.py; stdout: %s; stderr: %s", result.stdout(), result.stderr())
			.isZero();
		JsonNode answer = TestHttp.JSON.readTree(result.stdout());
		String tokenEndpoint = this.provider.issuer() + "/oauth2/token";
		assertThat(answer.get("token_endpoint").asString()).isEqualTo(tokenEndpoint);

		// what authlib sent: no client_id, a 60-minute EdDSA assertion for the token
		// endpoint
		JsonNode tokenRequest = answer.get("sent").get(0);
		assertThat(tokenRequest.get("url").asString()).isEqualTo(tokenEndpoint);
		assertThat(tokenRequest.get("authorization").asBoolean()).isFalse();
		JsonNode form = tokenRequest.get("form");
		assertThat(form.propertyNames()).as(form.toString())
			.containsExactlyInAnyOrder("grant_type", "scope", "client_assertion_type", "client_assertion");
		assertThat(form.get("grant_type").asString()).isEqualTo("client_credentials");
		assertThat(form.get("client_assertion_type").asString()).isEqualTo(TestAgent.ASSERTION_TYPE);
		String assertion = form.get("client_assertion").asString();
		JsonNode header = part(assertion, 0);
		assertThat(header.get("alg").asString()).isEqualTo("EdDSA");
		assertThat(header.get("typ").asString()).isEqualTo("JWT");
		assertThat(header.get("kid").asString()).isEqualTo(this.agent.get("privateJwk").get("kid").asString());
		JsonNode claims = TestHttp.claims(assertion);
		assertThat(claims.get("iss").asString()).isEqualTo(agentId);
		assertThat(claims.get("sub").asString()).isEqualTo(agentId);
		assertThat(claims.get("aud").asString()).isEqualTo(tokenEndpoint);
		assertThat(claims.get("jti").asString()).isNotBlank();
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);

		// the answer: a token for the agent, active for the agent and a resource server
		JsonNode token = answer.get("token");
		assertThat(token.get("token_type").asString()).isEqualToIgnoringCase("Bearer");
		assertThat(token.get("scope").asString()).isEqualTo(SCOPE);
		assertThat(payloadOf(token).get("client_id").asString()).isEqualTo(agentId);
		JsonNode own = answer.get("introspection");
		assertThat(own.get("active").asBoolean()).as(own.toString()).isTrue();
		assertThat(own.get("client_id").asString()).isEqualTo(agentId);
		JsonNode introspectionRequest = answer.get("sent").get(1).get("form");
		assertThat(introspectionRequest.has("client_id")).as(introspectionRequest.toString()).isFalse();
		assertThat(introspectionRequest.has("client_assertion")).isTrue();
		HttpResponse<String> introspected = this.provider.postForm("/oauth2/introspect",
				Map.of("token", token.get("access_token").asString()), this.resourceServerId,
				this.resourceServerSecret);
		JsonNode introspection = TestHttp.json(introspected);
		assertThat(introspection.get("active").asBoolean()).as(introspected.body()).isTrue();
		assertThat(introspection.get("sub").asString()).isEqualTo(agentId);
		assertThat(introspection.get("client_id").asString()).isEqualTo(agentId);
		assertThat(introspection.get("scope").asString()).isEqualTo(SCOPE);
	}

	private static JsonNode payloadOf(JsonNode token) {
		return TestHttp.claims(token.get("access_token").asString());
	}

	private static JsonNode part(String jwt, int index) {
		return TestHttp.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
	}

	private static ExampleScripts.Result run(List<String> command) {
		return ExampleScripts.run(work, command);
	}

}
