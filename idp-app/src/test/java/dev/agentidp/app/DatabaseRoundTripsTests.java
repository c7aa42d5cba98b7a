package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentidp.app.fixtures.TestAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot paths make no database round trip that the PostgreSQL driver forces on its own.
 * pgjdbc sends a {@code Sync} and waits for its answer before it sends a statement whose
 * parameters it had to ask the server to describe (a {@code java.sql.Timestamp} is bound
 * with no type) when the statement's rows have a column of unbounded size: one more round
 * trip per execution, which doubled the cost of reading a token (issue 22). The driver
 * says so in a log record; this test counts those records, by the provider's code that
 * ran the statement, over issuance, introspection, decisions, exchange and revocation,
 * each run past the driver's threshold for server-prepared statements.
 */
class DatabaseRoundTripsTests extends PolicyTestSupport {

	/**
	 * More than pgjdbc's default prepareThreshold (5): the statements are
	 * server-prepared.
	 */
	private static final int TIMES = 12;

	private final Map<String, AtomicInteger> forced = new ConcurrentHashMap<>();

	private DriverLog driver;

	@BeforeEach
	void countForcedSyncs() {
		this.driver = DriverLog.listen((message) -> {
			// the hot paths' threads only: the request threads and the group commit's,
			// not the schedulers that run beside the test in the shared provider
			String thread = Thread.currentThread().getName();
			if (message.startsWith("Forcing Sync")
					&& (thread.startsWith("http-nio-") || thread.startsWith("audit-group-commit-"))) {
				String caller = Arrays.stream(new Throwable().getStackTrace())
					.filter((frame) -> frame.getClassName().startsWith("dev.agentidp.")
							&& !frame.getClassName().startsWith("dev.agentidp.app.DatabaseRoundTripsTests"))
					.findFirst()
					.map((frame) -> frame.getClassName() + "." + frame.getMethodName())
					.orElse("(no provider frame)");
				this.forced.computeIfAbsent(caller, (key) -> new AtomicInteger()).incrementAndGet();
			}
		});
	}

	@AfterEach
	void stopCounting() {
		this.driver.close();
	}

	@Test
	void issuanceIntrospectionDecisionsExchangeAndRevocationMakeNoForcedRoundTrip() {
		TestAgent agent = registerToolAgent("round-trips",
				(document) -> ((ObjectNode) document.get("tokenPolicy")).putObject("budget")
					.put("unit", "usd")
					.put("perTask", 1000.0));
		this.forced.clear();
		String token = null;
		for (int i = 0; i < TIMES; i++) {
			token = token(agent, "github:create_pr", Map.of("task", "round-trips"), GITHUB);
		}
		for (int i = 0; i < TIMES; i++) {
			HttpResponse<String> introspection = this.http.postForm("/oauth2/introspect", RS, RS_SECRET,
					Map.of("token", token));
			assertThat(introspection.body()).contains("\"active\":true");
		}
		for (int i = 0; i < TIMES; i++) {
			assertThat(evaluate(evaluation(agent.id(), token, "tool", "github", "create_pr", "{\"cost\": 0.01}"))
				.get("decision")
				.asBoolean()).isTrue();
		}
		String batch = "{\"subject\": {\"type\": \"agent\", \"id\": \"" + agent.id()
				+ "\", \"properties\": {\"token\": \"" + token + "\"}}, \"resource\": {\"type\": \"tool\", \"id\": "
				+ "\"github\"}, \"evaluations\": [{\"action\": {\"name\": \"create_pr\"}}, {\"action\": {\"name\": "
				+ "\"merge\"}}]}";
		for (int i = 0; i < TIMES; i++) {
			assertThat(post("/access/v1/evaluations", batch).statusCode()).isEqualTo(200);
		}
		for (int i = 0; i < TIMES; i++) {
			String subject = token(agent, "github:create_pr", GITHUB);
			String derived = exchange(agent, subject, "round-trips-" + i, "github:create_pr")[1];
			HttpResponse<String> revoked = this.http.postForm("/oauth2/revoke", null, null,
					agent.tokenAuthForm(derived));
			assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		}
		assertThat(this.forced).as("statements after which pgjdbc forced a round trip, by caller").isEmpty();
	}

}
