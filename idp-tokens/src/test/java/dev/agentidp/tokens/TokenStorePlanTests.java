package dev.agentidp.tokens;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How PostgreSQL runs the token store's statements when it holds thousands of tokens
 * (issue 22), on the real statements:
 * <ul>
 * <li>a revocation finds the revoked tree's rows by their key, not by hashing every live
 * token: measured with {@code EXPLAIN (ANALYZE, BUFFERS)}, with the generic plan a pooled
 * connection caches and with a custom one, inside a transaction rolled back (with
 * {@code jti IN (SELECT jti FROM tree)} both plans read about 1,500 buffers here);</li>
 * <li>the hot lookups by key (introspection, decisions, exchange) settle on one cached
 * generic plan instead of planning every execution ({@code pg_prepared_statements}): with
 * the expiry bound as a bare parameter, PostgreSQL prunes partitions while planning and
 * keeps choosing a custom plan, which cost 65 % more CPU per introspection.</li>
 * </ul>
 */
class TokenStorePlanTests {

	/** Live tokens in the store (and as many revoked), as a busy hour leaves it. */
	private static final int LIVE = 10_000;

	/** A key lookup through the store's few partitions reads a few dozen pages. */
	private static final int MOST_BUFFERS = 200;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestDatabase.Schema schema;

	private String jti;

	@BeforeEach
	void fill() throws SQLException {
		this.schema = TestDatabase.newMigratedSchema();
		JdbcClient jdbc = JdbcClient
			.create(new DriverManagerDataSource(this.schema.url(), this.schema.username(), this.schema.password()));
		new TokenPartitions(new IssuedTokens(jdbc), Clock.systemUTC()).ensure();
		try (Connection connection = this.schema.connect(); Statement statement = connection.createStatement()) {
			// tokens of 50 agents expiring over the next two days (so in three
			// partitions),
			// every fifth one derived from the one before it, half of them revoked
			statement.execute("""
					INSERT INTO issued_token (jti, client_id, subject, parent_jti, root_jti, task, scopes, audience,
					    issued_at, expires_at, revoked_at, revoked_why, agent_id, kid, token_hash, depth, owner,
					    agent_version)
					SELECT 'jti-' || i, r.agent::text, r.agent::text, CASE WHEN i %% 5 = 0 THEN 'jti-' || (i - 1) END,
					    'jti-' || i, 'task-' || (i %% 100), ARRAY['crm:read'], ARRAY['https://crm.example.com'], now(),
					    now() + (i %% 2880) * interval '1 minute', CASE WHEN i %% 2 = 0 THEN now() END,
					    CASE WHEN i %% 2 = 0 THEN 'test' END, r.agent, 'k', sha256(convert_to('jti-' || i, 'UTF8')),
					    CASE WHEN i %% 5 = 0 THEN 1 ELSE 0 END, 'owner@example.com', 1
					FROM generate_series(1, %d) AS g(i),
					LATERAL (SELECT ('00000000-0000-4000-9000-' || lpad((i %% 50)::text, 12, '0'))::uuid AS agent) AS r
					""".formatted(2 * LIVE));
			statement.execute("ANALYZE issued_token");
			try (ResultSet live = statement
				.executeQuery("SELECT jti FROM issued_token WHERE revoked_at IS NULL AND parent_jti IS NULL LIMIT 1")) {
				live.next();
				this.jti = live.getString(1);
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "force_generic_plan", "force_custom_plan" })
	void revokingOneTokenReadsAFewPagesNotEveryLiveToken(String planMode) throws SQLException {
		JsonNode plan = explain(planMode, IssuedTokens.REVOKE_TREE, this.jti, now(), "test", now());
		assertThat(plan.path("Actual Rows").asLong()).isEqualTo(1);
		assertThat(plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong())
			.isLessThan(MOST_BUFFERS);
	}

	@Test
	void countingWhatARevocationWouldTakeReadsAFewPagesNotEveryLiveToken() throws SQLException {
		for (String planMode : new String[] { "force_generic_plan", "force_custom_plan" }) {
			JsonNode plan = explain(planMode, IssuedTokens.COUNT_LIVE_DERIVED, this.jti, now());
			assertThat(plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong()).as(planMode)
				.isLessThan(MOST_BUFFERS);
		}
	}

	@Test
	void theLookupOfATokenByItsKeyIsPlannedOnceNotOnEveryExecution() throws SQLException {
		assertThat(plansAfterExecutions(IssuedTokens.SELECT_BY_KEY, (statement, i) -> {
			statement.setString(1, (i == 0) ? this.jti : "unknown-" + i);
			statement.setTimestamp(2, Timestamp.from(Instant.now().plusSeconds(60 * i)));
		})).satisfies((plans) -> {
			assertThat(plans[0]).as("generic plans").isPositive();
			assertThat(plans[1]).as("custom plans").isLessThanOrEqualTo(5);
		});
	}

	@Test
	void theHoldOnALiveTokenIsPlannedOnceNotOnEveryExecution() throws SQLException {
		assertThat(plansAfterExecutions(IssuedTokens.HOLD_LIVE, (statement, i) -> {
			statement.setString(1, "unknown-" + i);
			statement.setTimestamp(2, Timestamp.from(Instant.now().plusSeconds(60 * i)));
			statement.setTimestamp(3, now());
		})).satisfies((plans) -> {
			assertThat(plans[0]).as("generic plans").isPositive();
			assertThat(plans[1]).as("custom plans").isLessThanOrEqualTo(5);
		});
	}

	/**
	 * Runs a statement 20 times on one connection, as a pooled connection does (the
	 * driver prepares it on the server from its fifth execution; PostgreSQL's plan cache
	 * makes five custom plans, then keeps the generic one when it is no dearer), and
	 * answers its server-side statement's generic and custom plan counts.
	 */
	private long[] plansAfterExecutions(String sql, Binder binder) throws SQLException {
		try (Connection connection = this.schema.connect()) {
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				for (int i = 0; i < 20; i++) {
					binder.bind(statement, i);
					statement.execute();
				}
			}
			try (PreparedStatement plans = connection.prepareStatement(
					"SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE ?")) {
				plans.setString(1, sql.substring(0, 40).replace("?", "%") + "%");
				try (ResultSet result = plans.executeQuery()) {
					assertThat(result.next()).as("the statement is prepared on the server").isTrue();
					return new long[] { result.getLong(1), result.getLong(2) };
				}
			}
			finally {
				connection.rollback();
			}
		}
	}

	private interface Binder {

		void bind(PreparedStatement statement, int execution) throws SQLException;

	}

	/** The executed plan's top node, the statement rolled back. */
	private JsonNode explain(String planMode, String sql, Object... parameters) throws SQLException {
		try (Connection connection = this.schema.connect()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET LOCAL plan_cache_mode = " + planMode);
			}
			try (PreparedStatement explain = connection
				.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
				for (int i = 0; i < parameters.length; i++) {
					explain.setObject(i + 1, parameters[i]);
				}
				try (ResultSet result = explain.executeQuery()) {
					result.next();
					return JSON.readTree(result.getString(1)).get(0).get("Plan");
				}
			}
			finally {
				connection.rollback();
			}
		}
	}

	private static Timestamp now() {
		return Timestamp.from(Instant.now());
	}

}
