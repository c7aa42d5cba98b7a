package dev.agentidp.app.security;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Your first token" snippets of {@code docs/tokens.md} work as shown: each of
 * {@code docs/examples/get-token.py} (PyJWT), {@code get-token.mjs} (jose) and
 * {@code GetToken.java} (Nimbus) is run as its own process, the way the page says,
 * against a running provider with the registration answer of an agent saved to a file,
 * and prints a token response whose access token introspects active for that agent; and
 * the page shows each file verbatim. The Python snippet needs a {@code python3} with
 * PyJWT and cryptography, the Node one {@code node} and
 * {@code docs/examples/node_modules/jose} ({@code .ci/run} installs both); without them
 * those tests are skipped. The Java one always runs, on this JVM's own classpath.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class FirstTokenSnippetsTests {

	static final String SCOPE = "crm:read";

	static final Path REPOSITORY = ExampleScripts.REPOSITORY;

	static final Path EXAMPLES = ExampleScripts.EXAMPLES;

	@TempDir
	static Path work;

	private TestProvider provider;

	private String agentId;

	private Path agentJson;

	private String resourceServerId;

	private String resourceServerSecret;

	@BeforeAll
	void start() throws IOException {
		this.provider = TestProvider.shared();
		String admin = this.provider.adminToken();
		String answer = this.provider.registerAgentAnswer(admin, SCOPE, "crm:write");
		this.agentId = TestHttp.JSON.readTree(answer).get("id").asString();
		this.agentJson = Files.writeString(work.resolve("agent.json"), answer);
		TestProvider.ResourceServer client = this.provider.registerResourceServer(admin, "snippets-rs");
		this.resourceServerId = client.clientId();
		this.resourceServerSecret = client.secret();
	}

	@AfterAll
	void stop() {
		this.provider.close();
	}

	@Test
	void pythonSnippetGetsAToken() {
		String python = ExampleScripts.assumePythonWithPyJwt(work);
		assertGetsAToken(List.of(python, EXAMPLES.resolve("get-token.py").toString()));
	}

	@Test
	void nodeSnippetGetsAToken() {
		ExampleScripts.assumeNodeWithJose(work);
		assertGetsAToken(List.of("node", EXAMPLES.resolve("get-token.mjs").toString()));
	}

	@Test
	void javaSnippetGetsAToken() {
		String java = ProcessHandle.current().info().command().orElseThrow();
		assertGetsAToken(List.of(java, "-cp", System.getProperty("java.class.path"),
				EXAMPLES.resolve("GetToken.java").toString()));
	}

	@Test
	void docsShowEachSnippetAsItIs() throws IOException {
		String docs = Files.readString(REPOSITORY.resolve("docs/tokens.md"));
		for (String snippet : List.of("get-token.py", "get-token.mjs", "GetToken.java")) {
			String file = Files.readString(EXAMPLES.resolve(snippet));
			assertThat(ExampleScripts.fencedBlockAfter(docs, "](examples/" + snippet + ")"))
				.as("docs/tokens.md's copy of %s", snippet)
				.isEqualTo(file);
		}
	}

	private void assertGetsAToken(List<String> command) {
		List<String> full = new ArrayList<>(command);
		full.addAll(List.of(this.provider.issuer(), this.agentJson.toString(), SCOPE));
		ExampleScripts.Result result = ExampleScripts.run(work, full);
		assertThat(result.exitCode())
			.as("exit code of %s; stdout: %s; stderr: %s", full, result.stdout(), result.stderr())
			.isZero();
		JsonNode answer = TestHttp.JSON.readTree(result.stdout());
		assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(answer.get("scope").asString()).isEqualTo(SCOPE);
		HttpResponse<String> introspected = this.provider.postForm("/oauth2/introspect",
				Map.of("token", answer.get("access_token").asString()), this.resourceServerId,
				this.resourceServerSecret);
		JsonNode claims = TestHttp.json(introspected);
		assertThat(claims.get("active").asBoolean()).as(introspected.body()).isTrue();
		assertThat(claims.get("sub").asString()).isEqualTo(this.agentId);
		assertThat(claims.get("client_id").asString()).isEqualTo(this.agentId);
		assertThat(claims.get("scope").asString()).isEqualTo(SCOPE);
	}

}
