package dev.agentidp.tokens;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay store of client assertions on a real PostgreSQL: one use per client and jti,
 * and a replay record that skips its WAL flush without turning off the flush of anything
 * else.
 */
class ClientAssertionsTests {

	private static final Instant KEEP_UNTIL = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MICROS);

	private SingleConnectionDataSource dataSource;

	private JdbcClient jdbc;

	private ClientAssertions assertions;

	private TransactionTemplate transactions;

	@BeforeEach
	void migrate() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		// one connection for everything, so that a setting left on it would be seen
		this.dataSource = new SingleConnectionDataSource(schema.url(), schema.username(), schema.password(), true);
		this.jdbc = JdbcClient.create(this.dataSource);
		this.assertions = new ClientAssertions(this.jdbc);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	private String synchronousCommit() {
		return this.jdbc.sql("SELECT current_setting('synchronous_commit')").query(String.class).single();
	}

	@Test
	void anAssertionIsAcceptedOncePerClient() {
		assertThat(this.assertions.firstUse("agent-a", "jti-1", KEEP_UNTIL)).isTrue();
		assertThat(this.assertions.firstUse("agent-a", "jti-1", KEEP_UNTIL)).as("replayed").isFalse();
		assertThat(this.assertions.firstUse("agent-b", "jti-1", KEEP_UNTIL)).as("another client's jti").isTrue();
		assertThat(this.jdbc.sql("SELECT expires_at FROM client_assertion WHERE client_id = 'agent-a'")
			.query(Timestamp.class)
			.single()
			.toInstant()).isEqualTo(KEEP_UNTIL);
	}

	/**
	 * Issue 14, item 17: the purge keeps a margin past expiry and reads the database's
	 * clock, not the purging node's.
	 */
	@Test
	void purgeExpiredKeepsARecordWithinTheMarginAndDeletesOnlyOlderOnesByTheDatabasesClock() {
		Instant databaseNow = this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
		this.assertions.firstUse("agent-a", "just-expired", databaseNow.minusSeconds(60));
		this.assertions.firstUse("agent-a", "long-expired",
				databaseNow.minus(ClientAssertions.PURGE_MARGIN).minusSeconds(60));
		this.assertions.firstUse("agent-a", "live", databaseNow.plusSeconds(600));
		assertThat(this.assertions.purgeExpired()).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT jti FROM client_assertion ORDER BY jti").query(String.class).list())
			.containsExactly("just-expired", "live");
		// a replay of the record kept within the margin is still refused
		assertThat(this.assertions.firstUse("agent-a", "just-expired", databaseNow.plusSeconds(60))).isFalse();
	}

	@Test
	void theRecordSkipsItsOwnFlushOnlyForItsOwnOneStatementTransaction() {
		// what the statement does inside the transaction it makes: synchronous_commit off
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.sql(ClientAssertions.CLAIM_WITHOUT_FLUSH_WAIT)
				.params("agent-a", "jti-probe", Timestamp.from(KEEP_UNTIL))
				.update();
			assertThat(synchronousCommit()).isEqualTo("off");
			status.setRollbackOnly();
		});
		// and nothing of it is left on the connection afterwards
		assertThat(synchronousCommit()).isEqualTo("on");
		assertThat(this.assertions.firstUse("agent-a", "jti-2", KEEP_UNTIL)).isTrue();
		assertThat(synchronousCommit()).as("the connection after a replay record").isEqualTo("on");
	}

	@Test
	void insideATransactionTheRecordIsPartOfItAndItsCommitStaysSynchronous() {
		this.transactions.executeWithoutResult((status) -> {
			assertThat(this.assertions.firstUse("agent-a", "jti-3", KEEP_UNTIL)).isTrue();
			assertThat(synchronousCommit()).isEqualTo("on");
			status.setRollbackOnly();
		});
		assertThat(this.assertions.firstUse("agent-a", "jti-3", KEEP_UNTIL)).as("rolled back with its transaction")
			.isTrue();
	}

}
