package dev.agentidp.bench;

import java.util.Locale;

import dev.agentidp.bench.kit.KitToolServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The kit phase: what the resource-server kit adds to each tool call. A tool server
 * ({@link KitToolServer}, the kit as a team deploys it) runs inside the load generator's
 * process on 127.0.0.1; agents that declare its tool call {@code POST /kit/call} with a
 * DPoP-bound token (one per agent, issued with a proof by the agent's own key before each
 * window) and a fresh proof per call. Each call is then: the proof verified by the kit,
 * the token introspected at the provider, the policy decision point asked (it verifies
 * the proof again, records its {@code jti} and audits the decision), and the endpoint
 * run. The kit's CPU counts as the load generator's ("bench CPU"); the provider's is the
 * introspection and the decision.
 */
final class KitPhase implements AutoCloseable {

	/**
	 * The tool server's resource identifier: its tool's {@code mcpServer}, its tokens'
	 * {@code aud}.
	 */
	static final String RESOURCE = "https://tools.bench.test/kit";

	static final String NAME = "tool call through the resource-server kit (DPoP proof, introspection, PDP decision)";

	/** At most this many agents call the tool (each with its own token and key). */
	private static final int MAX_AGENTS = 16;

	private final ConfigurableApplicationContext server;

	private final ProviderClient calls;

	private final String url;

	private final AgentCredentials[] agents;

	private KitPhase(ConfigurableApplicationContext server, AgentCredentials[] agents) {
		this.server = server;
		String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
		this.calls = new ProviderClient(base);
		this.url = base + KitToolServer.PATH;
		this.agents = agents;
	}

	/**
	 * Registers the tool server's client and its agents, and starts the tool server.
	 * @param setup the provider's admin API
	 * @param issuer the provider's issuer (its base URL)
	 * @param agentCount how many agents the benchmark registered (at most
	 * {@value #MAX_AGENTS} of the same number call the tool)
	 * @param log the progress log
	 * @return the phase, its server started
	 */
	static KitPhase start(ProviderSetup setup, String issuer, int agentCount, ProgressLog log) throws Exception {
		String[] client = setup.registerToolServerClient("bench-kit-" + System.currentTimeMillis());
		AgentCredentials[] agents = new AgentCredentials[Math.min(agentCount, MAX_AGENTS)];
		String prefix = "k" + Long.toString(System.currentTimeMillis(), 36) + "-";
		for (int i = 0; i < agents.length; i++) {
			agents[i] = setup.registerToolAgent(prefix + i, "bench-kit@agentidp.dev", KitToolServer.TOOL,
					KitToolServer.ACTION, RESOURCE);
		}
		ConfigurableApplicationContext server = new SpringApplicationBuilder(KitToolServer.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.config.name=bench-kit-tool-server",
				"--spring.main.banner-mode=off", "--spring.jmx.enabled=false", "--logging.level.root=WARN",
				"--logging.level.org.apache.catalina.util.SessionIdGeneratorBase=ERROR",
				"--agentidp.resource-server.issuer=" + issuer, "--agentidp.resource-server.resource=" + RESOURCE,
				"--agentidp.resource-server.client-id=" + client[0],
				"--agentidp.resource-server.client-secret=" + client[1],
				// every proof id of the last two proof windows is kept: at a few thousand
				// calls a second the default 100,000 would refuse proofs
				"--agentidp.resource-server.dpop-replay-cache-size=2000000");
		KitPhase phase = new KitPhase(server, agents);
		log.line("kit phase: tool server on %s, %d agents", phase.url, agents.length);
		return phase;
	}

	/**
	 * Measures one window of tool calls, each agent with a token issued just before.
	 * @param windows the measured windows
	 * @param requests the provider's OAuth requests
	 */
	void measure(MeasuredWindows windows, OAuthRequests requests) throws Exception {
		String[] tokens = new String[this.agents.length];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = requests.issueDpopToken(this.agents[i], RESOURCE,
					KitToolServer.TOOL + ":" + KitToolServer.ACTION);
		}
		windows.measure(NAME, (worker, i) -> {
			int a = (int) (i % tokens.length);
			ProviderClient.Answer answer = this.calls.postForm(KitToolServer.PATH, "DPoP " + tokens[a],
					this.agents[a].dpopProof("POST", this.url, tokens[a]), "");
			if (answer.statusCode() != 200 || !answer.body().contains("\"done\":true")) {
				throw new IllegalStateException(ProviderClient.failure(answer));
			}
			return true;
		});
	}

	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "KitPhase[%s, %d agents]", this.url, this.agents.length);
	}

}
