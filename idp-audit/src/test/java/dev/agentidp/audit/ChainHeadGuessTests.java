package dev.agentidp.audit;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An append first tries the head its node committed last ({@link ChainAppender}), and a
 * head another node has moved since is never written over: two trails on one database
 * play two nodes appending to the same chains, alone and in groups, and every chain stays
 * gap-free and valid, with each guess counted as a hit or as stale.
 */
@SpringBootTest(classes = AuditTestApplication.class)
class ChainHeadGuessTests extends AuditDatabaseTestSupport {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private AuditTrail node;

	private AuditTrail other;

	@BeforeEach
	void twoNodes() {
		this.node = trail(this.meters);
		this.other = trail(new SimpleMeterRegistry());
	}

	@AfterEach
	void close() {
		this.node.close();
		this.other.close();
	}

	@Test
	void aSingleAppendTriesItsNodesLastHeadAndReadsAMovedHeadUnderItsLock() {
		String chain = "agent-guess-" + UUID.randomUUID();
		this.node.append(entry(chain, 1));
		assertThat(guesses(this.meters, "hit")).isZero();
		this.node.append(entry(chain, 2));
		this.node.append(entry(chain, 3));
		assertThat(guesses(this.meters, "hit")).isEqualTo(2);
		this.other.append(entry(chain, 4));
		AuditRecord fifth = this.node.append(entry(chain, 5));
		assertThat(fifth.seq()).isEqualTo(5);
		assertThat(guesses(this.meters, "stale")).isEqualTo(1);
		// a chain another node writes to is read under its lock for a while
		this.node.append(entry(chain, 6));
		assertThat(guesses(this.meters, "hit")).isEqualTo(2);
		assertThat(this.trail.verify(chain)).isEqualTo(new AuditVerification.Valid(1, 6));
	}

	@Test
	void aGroupTriesItsNodesLastHeadsAndAGroupWhoseHeadMovedRunsAgainAlone() {
		String first = "agent-group-a-" + UUID.randomUUID();
		String second = "agent-group-b-" + UUID.randomUUID();
		// the heads are unknown: read under their locks, then remembered (the units are
		// queued together, so they usually form one group; a committer may take the
		// first before the others are queued)
		assertThat(this.node.appendGroupedAll(works(first, second, 1))).containsExactly(1, 2, 3, 4);
		double before = guesses(this.meters, "hit");
		// both heads known: one statement per chain
		assertThat(this.node.appendGroupedAll(works(first, second, 5))).containsExactly(5, 6, 7, 8);
		assertThat(guesses(this.meters, "hit")).isGreaterThan(before);
		assertThat(guesses(this.meters, "stale")).isZero();
		// another node moves one of them: the group rolls back, its units run alone
		this.other.append(entry(second, 9));
		assertThat(this.node.appendGroupedAll(works(first, second, 10))).containsExactly(10, 11, 12, 13);
		assertThat(guesses(this.meters, "stale")).isEqualTo(1);
		assertThat(this.trail.verify(first)).isEqualTo(new AuditVerification.Valid(1, 6));
		assertThat(this.trail.verify(second)).isEqualTo(new AuditVerification.Valid(1, 7));
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT count(*) FROM audit_record WHERE chain IN (?, ?)")
			.params(first, second)
			.query(Long.class)
			.single()).isEqualTo(13);
	}

	/** Two records on each of two chains, their outcomes numbered from {@code from}. */
	private static List<GroupedWork<Integer>> works(String first, String second, int from) {
		return List.of(work(first, from), work(second, from + 1), work(first, from + 2), work(second, from + 3));
	}

	private static GroupedWork<Integer> work(String chain, int n) {
		return GroupedWork.of(() -> new RecordedOutcome<>(n, entry(chain, n)));
	}

	private static AuditEntry entry(String chain, int n) {
		return new AuditEntry(chain, "client-guess", "access.evaluated", "call-" + n, Decision.ALLOW, null,
				Map.of("n", n));
	}

	private static double guesses(SimpleMeterRegistry meters, String outcome) {
		return meters.get("idp.audit.head.guesses").tag("outcome", outcome).counter().count();
	}

	private AuditTrail trail(SimpleMeterRegistry meters) {
		return new AuditTrail(this.dataSource,
				new AuditCheckpoints(JdbcClient.create(this.dataSource),
						new StaticListableBeanFactory().getBeanProvider(CheckpointSigner.class), Clock.systemUTC()),
				new DataSourceTransactionManager(this.dataSource), meters, Clock.systemUTC(),
				new AuditProperties.GroupCommit(1, 64));
	}

}
