package dev.agentidp.app.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.kitserver.KitServerApplication;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resource-server kit with a five-minute introspection cache and the provider's
 * shared signals on: a token it accepted (and cached) is refused within a second of its
 * revocation, and an agent's within a second of its suspension, on the same machine,
 * measured from the admin API's answer to the first refusal. Without the signals the
 * cache would accept them for five minutes.
 */
class KitSignalsTests {

	private static final String RESOURCE = "https://kit.example.com";

	@TempDir
	static Path dataDir;

	static TestProvider provider;

	static String admin;

	static ConfigurableApplicationContext kit;

	static String kitUrl;

	static final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "idp.signals.delivery-interval", "100ms");
		admin = provider.adminToken();
		TestProvider.ResourceServer client = provider.registerResourceServer(admin, "kit-with-signals");
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.config.name=kit-server-fixture",
				"--spring.autoconfigure.exclude="
						+ String.join(",", ResourceServerInteropTests.NOT_ON_A_RESOURCE_SERVERS_CLASSPATH),
				"--agentidp.resource-server.issuer=" + provider.issuer(),
				"--agentidp.resource-server.resource=" + RESOURCE,
				"--agentidp.resource-server.client-id=" + client.clientId(),
				"--agentidp.resource-server.client-secret=" + client.secret(),
				"--agentidp.resource-server.introspection-cache-ttl=5m",
				"--agentidp.resource-server.signals.enabled=true",
				"--agentidp.resource-server.signals.poll-interval=100ms"));
		kit = new SpringApplicationBuilder(KitServerApplication.class).run(args.toArray(String[]::new));
		kitUrl = "http://localhost:" + kit.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	static void stop() {
		if (kit != null) {
			kit.close();
		}
		TestProvider.closeAll(provider);
	}

	@Test
	void aRevokedTokenIsRefusedWithinASecondDespiteTheCache() throws Exception {
		TestAgent agent = provider.registerAgent(admin, List.of(RESOURCE), "kit:use");
		String token = acceptedAndCached(agent);
		String jti = TestHttp.claims(token).get("jti").asString();
		HttpResponse<String> revoked = provider.http()
			.postJson("/admin/v1/tokens/revoke", "{\"jti\": \"" + jti + "\"}", admin);
		assertThat(revoked.statusCode()).isEqualTo(200);
		long refusedAfter = millisUntilRefused(token);
		System.out.println("KitSignalsTests: revocation -> kit refuses after " + refusedAfter + " ms");
		assertThat(refusedAfter).isLessThan(1000);
	}

	@Test
	void aSuspendedAgentsTokenIsRefusedWithinASecondDespiteTheCache() throws Exception {
		TestAgent agent = provider.registerAgent(admin, List.of(RESOURCE), "kit:use");
		String token = acceptedAndCached(agent);
		HttpResponse<String> suspended = provider.http()
			.postJson("/admin/v1/agents/" + agent.id() + "/suspend", "{\"reason\": \"test\"}", admin);
		assertThat(suspended.statusCode()).isEqualTo(200);
		long refusedAfter = millisUntilRefused(token);
		System.out.println("KitSignalsTests: suspension -> kit refuses after " + refusedAfter + " ms");
		assertThat(refusedAfter).isLessThan(1000);
	}

	@Test
	void withoutASignalTheCachedAnswerStands() throws Exception {
		// the control: a token revoked behind the provider's back (no outbox event) is
		// still accepted from the cache, so the refusals above are the signals' doing
		String token = acceptedAndCached(provider.registerAgent(admin, List.of(RESOURCE), "kit:use"));
		provider.jdbc()
			.sql("UPDATE issued_token SET revoked_at = now() WHERE jti = ?")
			.param(TestHttp.claims(token).get("jti").asString())
			.update();
		Thread.sleep(1500);
		assertThat(whoami(token)).isEqualTo(200);
	}

	/** A token of the agent, accepted by the kit once the stream is up, and so cached. */
	private static String acceptedAndCached(TestAgent agent) throws Exception {
		String token = token(agent);
		awaitStream();
		assertThat(whoami(token)).isEqualTo(200);
		// cached now: the provider is not asked again for five minutes
		assertThat(whoami(token)).isEqualTo(200);
		return token;
	}

	private static long millisUntilRefused(String token) throws Exception {
		long start = System.nanoTime();
		while (whoami(token) == 200) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			Thread.sleep(10);
		}
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

	private static void awaitStream() throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			if (provider.jdbc().sql("SELECT count(*) FROM ssf_stream").query(Long.class).single() > 0) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the kit created no stream");
	}

	private static String token(TestAgent agent) {
		Map<String, String> form = new LinkedHashMap<>(agent.tokenForm("kit:use"));
		form.put("resource", RESOURCE);
		HttpResponse<String> issued = provider.postForm("/oauth2/token", form);
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		return TestHttp.json(issued).get("access_token").asString();
	}

	private static int whoami(String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(kitUrl + "/whoami"))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
