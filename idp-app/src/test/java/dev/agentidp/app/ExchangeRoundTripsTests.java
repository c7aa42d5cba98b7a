package dev.agentidp.app;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.agentidp.app.fixtures.TestAgent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statements of a token exchange to a sub-agent that exists already, the benchmark's
 * exchange (issue 22): counted from the PostgreSQL driver's log on the request threads,
 * each by the provider's code that ran it. Seventeen before this test: the root agent
 * read again though it was the parent that had just authenticated, every agent read as
 * its row and then its keys, the parent read and then its chain's state, and the
 * sub-agent held and then its chain read. Eleven now.
 */
class ExchangeRoundTripsTests extends PolicyTestSupport {

	/**
	 * Client authentication (the parent's chain, the assertion's first use), the subject
	 * token with its agent's state, the subject token held, the parent's chain, the
	 * sub-agent with its keys, the sub-agent held with its chain, the token row, an audit
	 * record on each of the two chains, the commit.
	 */
	private static final int STATEMENTS = 11;

	@Test
	void anExchangeToAKnownSubAgentRunsElevenStatements() {
		TestAgent agent = registerToolAgent("exchange-trips", (document) -> {
		});
		// the sub-agent derived once; the statements are server-prepared after five uses
		for (int i = 0; i < 6; i++) {
			exchange(agent, token(agent, "github:create_pr", GITHUB), "known", "github:create_pr");
		}
		String subject = token(agent, "github:create_pr", GITHUB);
		List<String> statements = new CopyOnWriteArrayList<>();
		try (DriverLog driver = DriverLog.listen((message) -> {
			if (message.contains("simple execute") && Thread.currentThread().getName().startsWith("http-nio-")) {
				statements.add(caller());
			}
		})) {
			exchange(agent, subject, "known", "github:create_pr");
		}
		assertThat(statements).as("the exchange's statements, by the provider's code that ran each")
			.hasSize(STATEMENTS)
			.doesNotContain("dev.agentidp.registry.AgentKeyRows.withKeys", "dev.agentidp.registry.Agents.find",
					"dev.agentidp.registry.Agents.isActiveWithAncestors",
					"dev.agentidp.registry.Agents.holdForIssuance");
	}

	private static String caller() {
		return Arrays.stream(new Throwable().getStackTrace())
			.filter((frame) -> frame.getClassName().startsWith("dev.agentidp.")
					&& !frame.getClassName().startsWith("dev.agentidp.app.ExchangeRoundTripsTests")
					&& !frame.getClassName().contains("$$"))
			.findFirst()
			.map((frame) -> frame.getClassName() + "." + frame.getMethodName())
			.orElse("(no provider frame)");
	}

}
