package dev.agentidp.app;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AuthZEN endpoints' answers on the wire, as the MVC handlers that served them before
 * issue 22 answered them (the endpoints are now served at the end of the policy decision
 * point's security chain): status, {@code Content-Type}, the security chain's headers,
 * {@code Cache-Control} of a refusal, the same answer whatever {@code Accept} asks,
 * methods and paths that are not endpoints, and each endpoint's own
 * {@code http.server.requests} series. Run against the MVC handlers (commit c6ecf25) and
 * the filter alike.
 */
class PolicyWireTests extends PolicyTestSupport {

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ApplicationContext context;

	@Test
	void theSecurityChainsFirewallChecksCharactersWithTheProvidersRules() {
		// the composite proxy Spring Security registers wraps the FilterChainProxy that
		// holds the firewall (no getter: read as the proxy holds them)
		Object composite = this.context.getBean("springSecurityFilterChain");
		Object proxy = ReflectionTestUtils.getField(composite, "springSecurityFilterChain");
		Object firewall = ReflectionTestUtils.getField(proxy, "firewall");
		assertThat(firewall).isInstanceOf(StrictHttpFirewall.class);
		assertThat(ReflectionTestUtils.getField(firewall, "allowedHeaderValues"))
			.isSameAs(FirewallCharacters.HEADER_VALUE);
		assertThat(ReflectionTestUtils.getField(firewall, "allowedHeaderNames"))
			.isSameAs(FirewallCharacters.ASSIGNED_NOT_CONTROL);
		assertThat(ReflectionTestUtils.getField(firewall, "allowedParameterNames"))
			.isSameAs(FirewallCharacters.ASSIGNED_NOT_CONTROL);
	}

	@Test
	void aDecisionIsJsonWithTheSecurityChainsHeaders() {
		TestAgent agent = registerToolAgent("wire");
		String token = token(agent, "github:create_pr", GITHUB);
		HttpResponse<String> response = post("/access/v1/evaluation",
				evaluation(agent.id(), token, "tool", "github", "create_pr", null));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValue("no-cache, no-store, max-age=0, must-revalidate");
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(response.headers().firstValue("Content-Length"))
			.hasValue(String.valueOf(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
		assertThat(response.body()).startsWith("{\"decision\":true,\"context\":{\"id\":\"");
		assertThat(response.body()).endsWith("\",\"code\":\"allowed\"}}");
	}

	@Test
	void aMalformedRequestIs400NoStoreJson() {
		HttpResponse<String> response = post("/access/v1/evaluation", "{\"colour\": \"blue\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.body()).isEqualTo(
				"{\"error\":\"invalid_request\",\"error_description\":\"colour: is not a member of the request (AuthZEN 1.0)\"}");
	}

	@Test
	void searchesAndBatchesAreJsonToo() {
		TestAgent agent = registerToolAgent("wire-search");
		String token = token(agent, "github:create_pr", GITHUB);
		String subject = "\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}";
		HttpResponse<String> resources = post("/access/v1/search/resource",
				"{" + subject + ", \"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\"}}");
		assertThat(resources.statusCode()).as(resources.body()).isEqualTo(200);
		assertThat(resources.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(TestHttp.json(resources)).isEqualTo(TestHttp.JSON.readTree(
				"{\"results\":[{\"type\":\"tool\",\"id\":\"github\"}],\"page\":{\"next_token\":\"\",\"count\":1,\"total\":1}}"));
		HttpResponse<String> actions = post("/access/v1/search/action",
				"{" + subject + ", \"resource\": {\"type\": \"tool\", \"id\": \"github\"}}");
		assertThat(actions.statusCode()).as(actions.body()).isEqualTo(200);
		assertThat(TestHttp.json(actions).get("results"))
			.isEqualTo(TestHttp.JSON.readTree("[{\"name\":\"create_pr\"}]"));
		HttpResponse<String> batch = post("/access/v1/evaluations", "{" + subject
				+ ", \"resource\": {\"type\": \"tool\", \"id\": \"github\"}, \"evaluations\": [{\"action\": {\"name\": \"create_pr\"}},"
				+ " {\"action\": {\"name\": \"merge\"}}]}");
		assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
		assertThat(batch.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(TestHttp.json(batch).get("evaluations")).hasSize(2);
	}

	@Test
	void anAcceptHeaderDoesNotChangeTheAnswer() {
		TestAgent agent = registerToolAgent("wire-accept");
		String token = token(agent, "github:create_pr", GITHUB);
		HttpResponse<String> response = this.http.send(this.http.request("/access/v1/evaluation")
			.header("Authorization", TestHttp.basic(RS, RS_SECRET))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(evaluation(agent.id(), token, "tool", "github", "create_pr", null)))
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
	}

	@Test
	void otherMethodsAndPathsAreNotEndpoints() {
		HttpResponse<String> get = this.http.send(this.http.request("/access/v1/evaluation")
			.header("Authorization", TestHttp.basic(RS, RS_SECRET))
			.GET()
			.build());
		HttpResponse<String> unknown = post("/access/v1/evaluationz", "{}");
		HttpResponse<String> trailing = post("/access/v1/evaluation/", "{}");
		assertThat(Map.of("GET", get.statusCode(), "unknown", unknown.statusCode(), "trailing", trailing.statusCode()))
			.isEqualTo(Map.of("GET", 401, "unknown", 404, "trailing", 404));
	}

	@Test
	void eachEndpointHasItsOwnRequestSeries() throws InterruptedException {
		post("/access/v1/evaluation", "{}");
		post("/access/v1/search/action", "{}");
		assertThat(series("/access/v1/evaluation")).isNotNull();
		assertThat(series("/access/v1/search/action")).isNotNull();
	}

	/**
	 * An endpoint's request series, waited for: the observation stops after the chain
	 * returns, which can be after the client has read the answer.
	 */
	private Timer series(String uri) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			Timer timer = this.meters.find("http.server.requests").tag("uri", uri).timer();
			if (timer != null) {
				return timer;
			}
			Thread.sleep(50);
		}
		return null;
	}

}
