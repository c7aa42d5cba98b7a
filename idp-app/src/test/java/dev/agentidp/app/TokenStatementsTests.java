package dev.agentidp.app;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.agentidp.app.fixtures.TestAgent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database statements of the two token-writing hot paths (issue 22), counted from the
 * PostgreSQL driver's log on the request threads, each by the provider's code that ran
 * it, after enough requests that the statements are server-prepared.
 * <ul>
 * <li>Client credentials: four (six before the tenth session: the agent was held and then
 * its token row written, two statements; five before the eleventh: the agent's chain was
 * read before the assertion was verified, a statement of its own).</li>
 * <li>A token exchange to a sub-agent that exists already (the benchmark's): ten
 * (seventeen before the tenth session: the root agent read again though it was the parent
 * that had just authenticated, every agent read as its row and then its keys, the parent
 * read and then its chain's state, the sub-agent held and then its chain read; eleven
 * before the eleventh: the parent's chain read before its assertion was verified).</li>
 * </ul>
 */
class TokenStatementsTests extends PolicyTestSupport {

	/**
	 * Client authentication (the assertion's first use, with the agent's version read in
	 * the same statement), the token row written with the agent held, its audit record,
	 * the commit.
	 */
	private static final int ISSUANCE = 4;

	/**
	 * Client authentication (the assertion's first use with the parent's version), the
	 * subject token with its agent's state, the subject token held, the parent's chain,
	 * the sub-agent with its keys, the sub-agent held with its chain, the token row, an
	 * audit record on each of the two chains, the commit.
	 */
	private static final int EXCHANGE_STATEMENTS = 10;

	/** The statement one request a second runs, not counted. */
	private static final String ONCE_A_SECOND = "dev.agentidp.tokens.SigningKeys.active";

	/** More than pgjdbc's prepareThreshold (5). */
	private static final int WARM_UP = 6;

	@Test
	void anIssuanceRunsFourStatements() {
		TestAgent agent = registerToolAgent("issue-statements");
		for (int i = 0; i < WARM_UP; i++) {
			token(agent, "github:create_pr", GITHUB);
		}
		List<String> statements = statements(() -> token(agent, "github:create_pr", GITHUB));
		assertThat(statements).as("the issuance's statements, by the provider's code that ran each")
			.hasSize(ISSUANCE)
			.doesNotContain("dev.agentidp.registry.Agents.holdForIssuance",
					"dev.agentidp.registry.Agents.versionOrNull")
			.contains("dev.agentidp.tokens.IssuedTokens.insertHeld");
	}

	@Test
	void anExchangeToAKnownSubAgentRunsTenStatements() {
		TestAgent agent = registerToolAgent("exchange-statements");
		// the sub-agent derived once, then reused
		for (int i = 0; i < WARM_UP; i++) {
			exchange(agent, token(agent, "github:create_pr", GITHUB), "known", "github:create_pr");
		}
		String subject = token(agent, "github:create_pr", GITHUB);
		List<String> statements = statements(() -> exchange(agent, subject, "known", "github:create_pr"));
		assertThat(statements).as("the exchange's statements, by the provider's code that ran each")
			.hasSize(EXCHANGE_STATEMENTS)
			.doesNotContain("dev.agentidp.registry.AgentKeyRows.withKeys", "dev.agentidp.registry.Agents.find",
					"dev.agentidp.registry.Agents.isActiveWithAncestors",
					"dev.agentidp.registry.Agents.holdForIssuance");
	}

	/**
	 * The statements a call runs on the request threads, by the provider's code; without
	 * the signing key's check for a rotation on another node, which one request a second
	 * makes ({@code SigningKeys.ACTIVE_CHECK_EVERY}), whichever it is.
	 */
	private static List<String> statements(Runnable call) {
		List<String> statements = new CopyOnWriteArrayList<>();
		try (DriverLog driver = DriverLog.listen((message) -> {
			if (message.contains("simple execute") && Thread.currentThread().getName().startsWith("http-nio-")) {
				statements.add(caller());
			}
		})) {
			call.run();
		}
		return statements.stream().filter((caller) -> !caller.equals(ONCE_A_SECOND)).toList();
	}

	private static String caller() {
		return Arrays.stream(new Throwable().getStackTrace())
			.filter((frame) -> frame.getClassName().startsWith("dev.agentidp.")
					&& !frame.getClassName().startsWith("dev.agentidp.app.TokenStatementsTests")
					&& !frame.getClassName().startsWith("dev.agentidp.app.DriverLog")
					&& !frame.getClassName().contains("$$"))
			.findFirst()
			.map((frame) -> frame.getClassName() + "." + frame.getMethodName())
			.orElse("(no provider frame)");
	}

}
