package dev.agentidp.anomalies;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.ClientRegistry;

import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent with a pending {@code step_up}, made by the detection itself, for the
 * console's tests: its document reacts to {@code new_resource} with {@code step_up} and
 * has no learning period, so that its first allowed call (through the policy decision
 * point, as a resource server asks) is an anomaly once the detector runs (the scheduler
 * would, within {@code idp.anomalies.flush-interval}).
 */
public final class StepUpFixture {

	static final String RS = "rs-console-anomalies";

	static final String RS_SECRET = "console-anomalies-rs-secret-0123456789-abcdefgh";

	/** The agent's one tool's MCP server (its token's audience). */
	public static final String GITHUB = "https://mcp.example.com/github";

	private StepUpFixture() {
	}

	/**
	 * Registers an agent and has its first call stepped up.
	 * @param context the provider
	 * @param http HTTP to the provider
	 * @param adminToken an {@code idp:admin} token
	 * @param prefix the agent's name prefix
	 * @param owner its owner
	 * @return the agent, whose calls the decision point now denies with {@code anomaly}
	 */
	public static TestAgent pendingStepUp(ApplicationContext context, TestHttp http, String adminToken, String prefix,
			String owner) {
		ClientRegistry clients = context.getBean(ClientRegistry.class);
		if (clients.findClient(RS).isEmpty()) {
			clients.registerWithSecret(RS, "Console anomalies gateway", ClientKind.RESOURCE_SERVER, RS_SECRET,
					Set.of());
		}
		TestAgent agent = new TestAgents(http, adminToken, http.baseUrl()).document(prefix)
			.scope("github:create_pr", "low")
			.tool("github", GITHUB, "create_pr")
			.edit((json) -> json.put("owner", owner))
			.tokenPolicy((policy) -> policy.putObject("anomaly")
				.put("learningPeriodHours", 0)
				.putObject("reactions")
				.put("new_resource", "step_up"))
			.register();
		String token = agent.token(http, "github:create_pr", Map.of(), GITHUB);
		AnomalyDetector detector = context.getBean(AnomalyDetector.class);
		detector.run();
		assertThat(evaluate(http, agent.id(), token)).contains("\"decision\":true");
		detector.run();
		assertThat(evaluate(http, agent.id(), token)).contains("\"code\":\"anomaly\"");
		return agent;
	}

	/**
	 * Whether the agent's call is allowed now, as the decision point answers.
	 * @param http HTTP to the provider
	 * @param agentId the agent
	 * @param token its token
	 * @return the answer's body
	 */
	public static String evaluate(TestHttp http, String agentId, String token) {
		String body = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agentId + "\", \"properties\": {\"token\": \""
				+ token
				+ "\"}}, \"action\": {\"name\": \"create_pr\"}, \"resource\": {\"type\": \"tool\", \"id\": \"github\","
				+ " \"properties\": {\"target\": \"acme/app#github\"}}}";
		HttpResponse<String> response = http.post("/access/v1/evaluation", RS, RS_SECRET, "application/json", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body().replace(" ", "");
	}

}
