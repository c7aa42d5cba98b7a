package dev.agentidp.audit;

import java.util.Map;
import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tampering as a database superuser would do it, bypassing the append-only trigger
 * ({@code session_replication_role = replica}): verify reports each break with its chain
 * and sequence number; rewrites and deletions of whole chains are caught by the signed
 * checkpoint. Each test gets a fresh schema: a tampered trail makes every later
 * checkpoint refuse ({@code AuditCheckpointChainTests}).
 */
@SpringBootTest(classes = AuditTestApplication.class, properties = "spring.datasource.hikari.maximum-pool-size=4")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class AuditTamperTests extends AuditDatabaseTestSupport {

	@Autowired
	TransactionTemplate transactions;

	/** Five records in a chain of its own, then a checkpoint over every head. */
	void chainOfFive(String chain) {
		for (int i = 1; i <= 5; i++) {
			this.trail.append(new AuditEntry(chain, "client-" + i, "token.issued", "jti-" + i, Decision.ALLOW, null,
					Map.of("n", i)));
		}
		this.trail.createCheckpoint();
		assertThat(this.trail.verify(chain).valid()).isTrue();
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

	AuditVerification.Broken broken(String chain) {
		AuditVerification result = this.trail.verify(chain);
		assertThat(result).isInstanceOf(AuditVerification.Broken.class);
		return (AuditVerification.Broken) result;
	}

	@Test
	void changingOneFieldIsReportedAtThatRecord() {
		chainOfFive("t-field");
		asSuperuser("UPDATE audit_record SET actor = 'someone-else' WHERE chain = 't-field' AND seq = 3");
		AuditVerification.Broken broken = broken("t-field");
		assertThat(broken.chain()).isEqualTo("t-field");
		assertThat(broken.seq()).isEqualTo(3);
		assertThat(broken.reason()).contains("hash");
	}

	@Test
	void changingDetailsIsReportedAtThatRecord() {
		chainOfFive("t-details");
		// the hashed canonical text (the jsonb copy for queries follows it: PostgreSQL
		// generates it)
		asSuperuser("UPDATE audit_record SET details_jcs = '{\"n\":20}' WHERE chain = 't-details' AND seq = 2");
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT details->>'n' FROM audit_record WHERE chain = 't-details' AND seq = 2")
			.query(String.class)
			.single()).isEqualTo("20");
		AuditVerification.Broken broken = broken("t-details");
		assertThat(broken.seq()).isEqualTo(2);
		assertThat(broken.reason()).contains("hash");
	}

	@Test
	void theQueryCopyOfDetailsCannotBeWrittenApartFromTheHashedText() {
		chainOfFive("t-details-copy");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> asSuperuser(
					"UPDATE audit_record SET details = '{\"n\": 20}' WHERE chain = 't-details-copy' AND seq = 2"))
			.satisfies((ex) -> assertThat(ex.getMostSpecificCause()).hasMessageContaining("generated column"));
		assertThat(this.trail.verify("t-details-copy").valid()).isTrue();
	}

	@Test
	void deletingOneRecordIsReportedAsTheMissingSeq() {
		chainOfFive("t-delete");
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-delete' AND seq = 2");
		AuditVerification.Broken broken = broken("t-delete");
		assertThat(broken.chain()).isEqualTo("t-delete");
		assertThat(broken.seq()).isEqualTo(2);
		assertThat(broken.reason()).contains("missing");
	}

	@Test
	void deletingOneRecordIsReportedTheSameWhenVerifyFallsBackToIndexOrder(@Autowired AuditCheckpoints checkpoints,
			@Autowired javax.sql.DataSource dataSource) {
		chainOfFive("t-delete-ordered");
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-delete-ordered' AND seq = 2");
		// at most one record held back: the physical-order scan gives up, index order
		// runs
		AuditVerification result = this.transactions
			.execute((tx) -> new AuditStreams(dataSource).verify("t-delete-ordered",
					checkpoints.currentHeads("t-delete-ordered"), checkpoints.signedHeads("t-delete-ordered"), 1));
		assertThat(result).isEqualTo(broken("t-delete-ordered"));
		assertThat(((AuditVerification.Broken) result).seq()).isEqualTo(2);
	}

	@Test
	void swappingTwoRecordsIsReportedAtTheFirstOfThem() {
		chainOfFive("t-swap");
		asSuperuser("UPDATE audit_record SET seq = seq + 1000 WHERE chain = 't-swap' AND seq IN (2, 3)",
				"UPDATE audit_record SET seq = 3 WHERE chain = 't-swap' AND seq = 1002",
				"UPDATE audit_record SET seq = 2 WHERE chain = 't-swap' AND seq = 1003");
		AuditVerification.Broken broken = broken("t-swap");
		assertThat(broken.chain()).isEqualTo("t-swap");
		assertThat(broken.seq()).isEqualTo(2);
	}

	@Test
	void truncatingAChainIsReportedAfterItsLastRecord() {
		chainOfFive("t-truncate");
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-truncate' AND seq >= 4");
		AuditVerification.Broken broken = broken("t-truncate");
		assertThat(broken.chain()).isEqualTo("t-truncate");
		assertThat(broken.seq()).isEqualTo(4);
		assertThat(broken.reason()).contains("missing");
	}

	@Test
	void truncatingAChainAndItsHeadIsCaughtByTheCheckpoint() {
		chainOfFive("t-truncate-head");
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-truncate-head' AND seq >= 4",
				"UPDATE audit_chain_head h SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash FROM audit_record r"
						+ " WHERE h.chain = 't-truncate-head' AND r.chain = h.chain AND r.seq = 3");
		AuditVerification.Broken broken = broken("t-truncate-head");
		assertThat(broken.seq()).isEqualTo(4);
		assertThat(broken.reason()).contains("signed checkpoint");
	}

	@Test
	void deletingAWholeChainAndItsHeadIsCaughtByTheCheckpoint() {
		chainOfFive("t-gone");
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-gone'",
				"DELETE FROM audit_chain_head WHERE chain = 't-gone'");
		AuditVerification.Broken broken = broken("t-gone");
		assertThat(broken.chain()).isEqualTo("t-gone");
		assertThat(broken.seq()).isEqualTo(1);
		assertThat(broken.reason()).contains("signed checkpoint");
	}

	@Test
	void rewritingAChainWithConsistentHashesIsCaughtByTheCheckpoint() {
		chainOfFive("t-rewrite");
		// the rewriter knows the rule: a new chain of five, every hash consistent, head
		// too
		asSuperuser("DELETE FROM audit_record WHERE chain = 't-rewrite'",
				"DELETE FROM audit_chain_head WHERE chain = 't-rewrite'");
		for (int i = 1; i <= 5; i++) {
			this.trail.append(new AuditEntry("t-rewrite", "client-" + i, "token.issued", "jti-" + i, Decision.ALLOW,
					"nothing to see", Map.of("n", i)));
		}
		AuditVerification.Broken broken = broken("t-rewrite");
		assertThat(broken.chain()).isEqualTo("t-rewrite");
		assertThat(broken.seq()).isEqualTo(5);
		assertThat(broken.reason()).contains("signed checkpoint");
	}

}
