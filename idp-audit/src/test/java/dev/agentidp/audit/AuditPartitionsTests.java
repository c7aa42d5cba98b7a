package dev.agentidp.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trail partitioned by month (V26, issue 22 item 3): a chain whose records lie in two
 * months verifies, exports in (chain, seq) order and lists newest first across the
 * boundary; a record changed just past the boundary is reported at its seq; a month taken
 * away with DDL (DETACH PARTITION, which no trigger can refuse) is caught by verify; and
 * the maintenance made the partitions ahead at start. Each test gets a fresh schema.
 */
@SpringBootTest(classes = AuditTestApplication.class, properties = "spring.datasource.hikari.maximum-pool-size=4")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class AuditPartitionsTests extends AuditDatabaseTestSupport {

	/** The last second of last month and the first of this one (UTC). */
	private static final LocalDate THIS_MONTH = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

	private static final Instant BEFORE = THIS_MONTH.atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1500);

	private static final Instant AFTER = THIS_MONTH.atStartOfDay(ZoneOffset.UTC).toInstant().plusMillis(500);

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	AuditPartitions partitions;

	private final AtomicReference<Instant> now = new AtomicReference<>(BEFORE);

	@Test
	void aChainAcrossTwoMonthsVerifiesExportsInOrderAndListsNewestFirst() {
		AuditTrail trail = chainAcrossTheBoundary("c-months");
		assertThat(partitionsOf("c-months")).containsExactly(partition(THIS_MONTH.minusMonths(1)),
				partition(THIS_MONTH));
		assertThat(trail.verify(null)).isEqualTo(new AuditVerification.Valid(1, 6));
		assertThat(trail.verify("c-months")).isEqualTo(new AuditVerification.Valid(1, 6));

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		trail.export("c-months", out);
		List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
		assertThat(lines).hasSize(6);
		for (int i = 0; i < 6; i++) {
			assertThat(lines.get(i)).contains("\"seq\":" + (i + 1) + ",");
		}
		assertThat(lines.get(2)).contains(THIS_MONTH.minusMonths(1).toString().substring(0, 7));
		assertThat(lines.get(3)).contains(THIS_MONTH.toString().substring(0, 7));

		// newest first, two at a time: the page that crosses the boundary reads both
		// partitions
		List<Long> seqs = new ArrayList<>();
		String cursor = null;
		do {
			AuditPage page = trail.find(new AuditQuery("c-months", null, null, null, null, null, 2, cursor));
			page.items().forEach((record) -> seqs.add(record.seq()));
			cursor = page.nextCursor();
		}
		while (cursor != null);
		assertThat(seqs).containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
	}

	@Test
	void aRecordChangedJustPastTheBoundaryIsReportedAtItsSeq() {
		AuditTrail trail = chainAcrossTheBoundary("c-tampered");
		asSuperuser("UPDATE audit_record SET actor = 'someone-else' WHERE chain = 'c-tampered' AND seq = 4");
		AuditVerification.Broken broken = (AuditVerification.Broken) trail.verify(null);
		assertThat(broken.chain()).isEqualTo("c-tampered");
		assertThat(broken.seq()).isEqualTo(4);
	}

	@Test
	void aMonthDetachedWithDdlIsFoundByVerify() {
		AuditTrail trail = chainAcrossTheBoundary("c-detached");
		trail.createCheckpoint();
		// DDL: no trigger fires (docs/security.md), the records of last month are gone
		// from the trail
		JdbcClient.create(this.dataSource)
			.sql("ALTER TABLE audit_record DETACH PARTITION " + partition(THIS_MONTH.minusMonths(1)))
			.update();
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT count(*) FROM audit_record WHERE chain = 'c-detached'")
			.query(Long.class)
			.single()).isEqualTo(3);
		AuditVerification verification = trail.verify(null);
		assertThat(verification).isInstanceOf(AuditVerification.Broken.class);
		assertThat(((AuditVerification.Broken) verification).chain()).isEqualTo("c-detached");
	}

	@Test
	void theMaintenanceMadeThePartitionsAheadAtStartAndMakesNoneTwice() {
		for (int ahead = -1; ahead <= AuditPartitions.MONTHS_AHEAD; ahead++) {
			String name = partition(THIS_MONTH.plusMonths(ahead));
			assertThat(JdbcClient.create(this.dataSource)
				.sql("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = 'audit_record_no_truncate'")
				.param(name)
				.query(Long.class)
				.single()).as(name).isEqualTo(1);
		}
		assertThat(this.partitions.ensure()).isZero();
	}

	/** Three records in the last second of last month, three in the first of this one. */
	private AuditTrail chainAcrossTheBoundary(String chain) {
		Clock clock = new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Instant instant() {
				return AuditPartitionsTests.this.now.get();
			}

		};
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		StaticListableBeanFactory signers = new StaticListableBeanFactory();
		signers.addBean("signer", new TestCheckpointSigner());
		AuditTrail trail = new AuditTrail(this.dataSource,
				new AuditCheckpoints(jdbc, signers.getBeanProvider(CheckpointSigner.class), clock),
				new DataSourceTransactionManager(this.dataSource), new SimpleMeterRegistry(), clock);
		for (int i = 1; i <= 6; i++) {
			this.now.set(((i <= 3) ? BEFORE : AFTER).plusMillis(i));
			trail.append(new AuditEntry(chain, "client-" + i, "token.issued", "jti-" + i, Decision.ALLOW, null,
					Map.of("n", i)));
		}
		return trail;
	}

	private List<String> partitionsOf(String chain) {
		return JdbcClient.create(this.dataSource)
			.sql("SELECT DISTINCT tableoid::regclass::text FROM audit_record WHERE chain = ? ORDER BY 1")
			.param(chain)
			.query(String.class)
			.list();
	}

	private static String partition(LocalDate month) {
		return "audit_record_%04d_%02d".formatted(month.getYear(), month.getMonthValue());
	}

	/** Runs SQL as a superuser whose session does not fire the trail's triggers. */
	private void asSuperuser(String... statements) {
		this.transactions.executeWithoutResult((tx) -> {
			JdbcClient jdbc = JdbcClient.create(this.dataSource);
			jdbc.sql("SET LOCAL session_replication_role = replica").update();
			for (String statement : statements) {
				jdbc.sql(statement).update();
			}
		});
	}

}
