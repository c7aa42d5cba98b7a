package dev.agentidp.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checkpoints form a chain of their own (issue 14, item 1): a database superuser who
 * rewrites or deletes a chain, then lets the scheduler run, or who re-inserts an old
 * checkpoint as the newest, cannot make verify say valid again. Each test gets a fresh
 * schema: a tampered checkpoint table stays tampered.
 */
@SpringBootTest(classes = AuditTestApplication.class,
		properties = { "idp.audit.checkpoint-interval=1h", "spring.datasource.hikari.maximum-pool-size=4" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class AuditCheckpointChainTests extends AuditDatabaseTestSupport {

	@Autowired
	AuditCheckpointScheduler scheduler;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	MeterRegistry meters;

	void appendFive(String chain, String reason) {
		for (int i = 1; i <= 5; i++) {
			this.trail.append(new AuditEntry(chain, "client-" + i, "token.issued", "jti-" + i, Decision.ALLOW, reason,
					Map.of("n", i)));
		}
	}

	/** Runs SQL as a superuser whose session does not fire the trail's triggers. */
	void asSuperuser(String... statements) {
		this.transactions.executeWithoutResult((tx) -> {
			JdbcClient jdbc = JdbcClient.create(this.dataSource);
			jdbc.sql("SET LOCAL session_replication_role = replica").update();
			for (String statement : statements) {
				jdbc.sql(statement).update();
			}
		});
	}

	AuditVerification.Broken broken() {
		AuditVerification result = this.trail.verify(null);
		assertThat(result).isInstanceOf(AuditVerification.Broken.class);
		return (AuditVerification.Broken) result;
	}

	@Test
	void aChainRewrittenWithConsistentHashesStaysInvalidAfterTheSchedulerRuns() {
		appendFive("c-intact", null);
		appendFive("c-rewrite", null);
		this.trail.createCheckpoint();
		assertThat(this.trail.verify(null).valid()).isTrue();
		// the rewriter knows the rule: a new chain of five, every hash consistent, its
		// head too
		asSuperuser("DELETE FROM audit_record WHERE chain = 'c-rewrite'",
				"DELETE FROM audit_chain_head WHERE chain = 'c-rewrite'");
		appendFive("c-rewrite", "nothing to see");
		// the trail goes on: the scheduler sees a changed trail
		this.trail.append(new AuditEntry("c-intact", "client-6", "token.issued", "jti-6", Decision.ALLOW, null, null));
		this.scheduler.checkpoint();
		AuditVerification.Broken broken = broken();
		assertThat(broken.chain()).isEqualTo("c-rewrite");
		assertThat(broken.seq()).isEqualTo(5);
		assertThat(broken.reason()).contains("signed checkpoint 1");
		assertThat(broken.checkpoint()).isEqualTo(1);
		// the scheduler refused to sign the rewrite: an alert, a count, no checkpoint
		assertThat(checkpoints()).isEqualTo(1);
		assertThat(refusals()).isEqualTo(1);
		assertThat(alerts()).singleElement().satisfies((alert) -> {
			assertThat(alert.target()).isEqualTo("c-rewrite");
			assertThat(alert.decision()).isEqualTo(Decision.DENY);
			assertThat(alert.reason()).contains("chain c-rewrite seq 5");
		});
		// so does an administrator, with the chain named; the alert is not repeated
		assertThatExceptionOfType(AuditCheckpointRefusedException.class).isThrownBy(this.trail::createCheckpoint)
			.satisfies((ex) -> assertThat(ex.chain()).isEqualTo("c-rewrite"));
		this.scheduler.checkpoint();
		assertThat(refusals()).isEqualTo(3);
		assertThat(alerts()).hasSize(1);
		assertThat(checkpoints()).isEqualTo(1);
	}

	@Test
	void aCheckpointSignedOverARewrittenChainIsCaughtByTheCheckpointBeforeIt(@Autowired CheckpointSigner signer) {
		appendFive("c-signed-over", null);
		this.trail.createCheckpoint();
		asSuperuser("DELETE FROM audit_record WHERE chain = 'c-signed-over'",
				"DELETE FROM audit_chain_head WHERE chain = 'c-signed-over'");
		appendFive("c-signed-over", "nothing to see");
		appendFive("c-signed-over", "nothing to see");
		// a checkpoint over the rewrite, in place and linked, as a provider without the
		// creation check (or with a bug in it) would have made
		String first = JdbcClient.create(this.dataSource)
			.sql("SELECT jws FROM audit_checkpoint ORDER BY id")
			.query(String.class)
			.single();
		String head = JdbcClient.create(this.dataSource)
			.sql("SELECT hash FROM audit_chain_head WHERE chain = 'c-signed-over'")
			.query(String.class)
			.single();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iat", 1_700_000_000L);
		claims.put("seq", 2L);
		claims.put("prev", Map.of("seq", 1L, "hash", CheckpointChainWalk.sha256(first)));
		claims.put("heads", Map.of("c-signed-over", Map.of("seq", 10L, "hash", head)));
		JdbcClient.create(this.dataSource)
			.sql("INSERT INTO audit_checkpoint (created_at, chains, records, jws) VALUES (now(), 1, 10, ?)")
			.param(signer.sign(claims))
			.update();
		AuditVerification.Broken broken = broken();
		assertThat(broken.chain()).isEqualTo("c-signed-over");
		assertThat(broken.seq()).isEqualTo(5);
		assertThat(broken.checkpoint()).isEqualTo(1);
		assertThat(broken.reason()).contains("signed checkpoint 1");
	}

	@Test
	void aChainDeletedWholeStaysInvalidAfterTheSchedulerRuns() {
		appendFive("c-gone", null);
		appendFive("c-kept", null);
		this.trail.createCheckpoint();
		asSuperuser("DELETE FROM audit_record WHERE chain = 'c-gone'",
				"DELETE FROM audit_chain_head WHERE chain = 'c-gone'");
		this.trail.append(new AuditEntry("c-kept", "client-1", "token.issued", "jti-6", Decision.ALLOW, null, null));
		this.scheduler.checkpoint();
		AuditVerification.Broken broken = broken();
		assertThat(broken.chain()).isEqualTo("c-gone");
		assertThat(broken.reason()).contains("signed checkpoint");
		assertThat(checkpoints()).isEqualTo(1);
		assertThat(alerts()).singleElement()
			.satisfies((alert) -> assertThat(alert.reason()).contains("chain c-gone is missing"));
	}

	@Test
	void anOldCheckpointReinsertedAsTheNewestFailsVerification() {
		appendFive("c-old", null);
		this.trail.createCheckpoint();
		this.trail.append(new AuditEntry("c-old", "client-6", "token.issued", "jti-6", Decision.ALLOW, null, null));
		this.trail.createCheckpoint();
		assertThat(this.trail.verify(null).valid()).isTrue();
		asSuperuser("INSERT INTO audit_checkpoint (created_at, chains, records, jws)"
				+ " SELECT now(), chains, records, jws FROM audit_checkpoint ORDER BY id LIMIT 1");
		AuditVerification.Broken broken = broken();
		assertThat(broken.chain()).isNull();
		assertThat(broken.checkpoint()).isEqualTo(3);
		assertThat(broken.reason()).contains("checkpoint 3 carries seq 1");
		assertThatExceptionOfType(AuditCheckpointRefusedException.class).isThrownBy(this.trail::createCheckpoint);
	}

	@Test
	void aForgedCheckpointIsReportedAndNotWhitewashedByTheNextOne() {
		appendFive("c-forged", null);
		this.trail.createCheckpoint();
		asSuperuser("INSERT INTO audit_checkpoint (created_at, chains, records, jws)"
				+ " SELECT now(), chains, records, jws || 'A' FROM audit_checkpoint ORDER BY id DESC LIMIT 1");
		assertThat(broken().chain()).isNull();
		this.trail.append(new AuditEntry("c-forged", "client-6", "token.issued", "jti-6", Decision.ALLOW, null, null));
		this.scheduler.checkpoint();
		AuditVerification.Broken broken = broken();
		assertThat(broken.chain()).isNull();
		assertThat(broken.checkpoint()).isEqualTo(2);
		assertThat(broken.reason()).contains("checkpoint 2 does not verify");
		assertThat(checkpoints()).isEqualTo(2);
		assertThat(alerts()).singleElement()
			.satisfies((alert) -> assertThat(alert.reason()).contains("the latest checkpoint (2) does not verify"));
	}

	@Test
	void checkpointsLinkToTheOneBefore(@Autowired CheckpointSigner signer) {
		appendFive("c-linked", null);
		String first = this.trail.createCheckpoint().checkpoint();
		this.trail.append(new AuditEntry("c-linked", "client-6", "token.issued", "jti-6", Decision.ALLOW, null, null));
		Map<String, Object> claims = signer.verify(this.trail.createCheckpoint().checkpoint());
		assertThat(claims).containsEntry("seq", 2L)
			.containsEntry("prev", Map.of("seq", 1L, "hash", CheckpointChainWalk.sha256(first)));
		assertThat(signer.verify(first)).containsEntry("seq", 1L).doesNotContainKey("prev");
		assertThat(this.trail.verify(null)).isEqualTo(new AuditVerification.Valid(1, 6));
	}

	long checkpoints() {
		return JdbcClient.create(this.dataSource)
			.sql("SELECT count(*) FROM audit_checkpoint")
			.query(Long.class)
			.single();
	}

	double refusals() {
		Counter counter = this.meters.find("idp.audit.checkpoint.refused").counter();
		return (counter != null) ? counter.count() : 0;
	}

	List<AuditRecord> alerts() {
		return this.trail
			.find(new AuditQuery(AuditEntry.SYSTEM_CHAIN, null, AuditTrail.CHECKPOINT_REFUSED, null, null, null, 100,
					null))
			.items();
	}

}
