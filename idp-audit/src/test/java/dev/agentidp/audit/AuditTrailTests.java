package dev.agentidp.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The audit trail against a real PostgreSQL: append, hash rule, append-only trigger,
 * transactions, events, query, export.
 */
@SpringBootTest(classes = AuditTestApplication.class)
class AuditTrailTests extends AuditDatabaseTestSupport {

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	ApplicationEventPublisher events;

	JdbcClient jdbc() {
		return JdbcClient.create(this.dataSource);
	}

	static AuditEntry entry(String chain, String action) {
		return new AuditEntry(chain, "client-1", action, "target-1", Decision.ALLOW, null, Map.of("jti", "abc"));
	}

	@Test
	void activityCountsTheActionAndTheDenialsOfEachHourAndTheDenialsReasons() {
		String action = "activity.counted-" + java.util.UUID.randomUUID();
		String reason = "activity reason " + java.util.UUID.randomUUID();
		java.time.Instant to = java.time.Instant.now()
			.truncatedTo(java.time.temporal.ChronoUnit.HOURS)
			.plus(1, java.time.temporal.ChronoUnit.HOURS);
		java.time.Instant from = to.minus(java.time.Duration.ofHours(24));
		AuditActivity before = this.trail.activity(from, to, action, 50);
		this.trail.append(entry("activity-chain", action));
		this.trail.append(entry("activity-chain", action));
		this.trail.append(new AuditEntry("activity-chain", null, action, null, Decision.DENY, reason, null));
		AuditActivity after = this.trail.activity(from, to, action, 50);
		assertThat(after.hours()).hasSize(24);
		AuditActivity.Hour now = after.hours().get(23);
		assertThat(now.start()).isEqualTo(to.minus(java.time.Duration.ofHours(1)));
		// the denied record of that action is a denial, not a counted one
		assertThat(now.counted()).isEqualTo(2);
		assertThat(now.denials()).isEqualTo(before.hours().get(23).denials() + 1);
		assertThat(after.hours().subList(0, 23)).allSatisfy((hour) -> assertThat(hour.counted()).isZero());
		assertThat(after.denialsByReason()).contains(new AuditActivity.ReasonCount(reason, 1));
	}

	@Test
	void appendWhenNewChainThenGenesisAndHashFollowTheRule() throws Exception {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("scopes", List.of("crm:read", "crm:write"));
		details.put("ttl", 900);
		details.put("ratio", 0.5);
		details.put("text", "\u00e9\u20ac\ud83d\ude00 \"quoted\"\n");
		AuditRecord first = this.trail
			.append(new AuditEntry("chain-rule", "client-1", "token.issued", "jti-1", Decision.ALLOW, null, details));
		AuditRecord second = this.trail
			.append(new AuditEntry("chain-rule", null, "token.denied", null, Decision.DENY, "invalid_scope", null));
		assertThat(first.seq()).isEqualTo(1);
		assertThat(first.prevHash()).isEqualTo("0".repeat(64));
		assertThat(second.seq()).isEqualTo(2);
		assertThat(second.prevHash()).isEqualTo(first.hash());
		// the hash the trail computed is exactly the rule of docs/audit.md "Contract",
		// recomputed here from a map of the nine fields with the generic writer and the
		// JDK's SHA-256
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("chain", "chain-rule");
		record.put("seq", 1);
		record.put("occurredAt", first.occurredAtText());
		record.put("actor", "client-1");
		record.put("action", "token.issued");
		record.put("target", "jti-1");
		record.put("decision", "allow");
		record.put("reason", null);
		record.put("details", details);
		byte[] sum = java.security.MessageDigest.getInstance("SHA-256")
			.digest(("0".repeat(64) + "\n" + CanonicalJson.write(record)).getBytes(StandardCharsets.UTF_8));
		assertThat(java.util.HexFormat.of().formatHex(sum)).isEqualTo(first.hash());
		// and the canonical details text stored beside it is the one that was hashed
		assertThat(jdbc().sql("SELECT details_jcs FROM audit_record WHERE chain = 'chain-rule' AND seq = 1")
			.query(String.class)
			.single()).isEqualTo(CanonicalJson.write(details));
		assertThat(first.occurredAtText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
		assertThat(this.trail.verify("chain-rule")).isEqualTo(new AuditVerification.Valid(1, 2));
	}

	@Test
	void updateDeleteAndTruncateAreEachRejectedByTheTrigger() {
		this.trail.append(entry("chain-trigger", "agent.registered"));
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc().sql("UPDATE audit_record SET reason = 'x' WHERE chain = 'chain-trigger'").update())
			.havingRootCause()
			.withMessageContaining("append-only");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc().sql("DELETE FROM audit_record WHERE chain = 'chain-trigger'").update())
			.havingRootCause()
			.withMessageContaining("append-only");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc().sql("TRUNCATE audit_record").update())
			.havingRootCause()
			.withMessageContaining("append-only");
		assertThat(jdbc().sql("SELECT count(*) FROM audit_record WHERE chain = 'chain-trigger'")
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void appendInsideATransactionThatRollsBackLeavesNoRecord() {
		this.transactions.executeWithoutResult((tx) -> {
			this.trail.append(entry("chain-rollback", "agent.updated"));
			tx.setRollbackOnly();
		});
		assertThat(count("chain-rollback")).isZero();
		// and the chain starts at 1 afterwards: no gap left by the rolled-back append
		assertThat(this.trail.append(entry("chain-rollback", "agent.updated")).seq()).isEqualTo(1);
	}

	@Test
	void denialInItsOwnTransactionSurvivesTheCallersRollback() {
		this.transactions.executeWithoutResult((tx) -> {
			this.trail.append(entry("chain-denial", "agent.updated"));
			this.trail.appendDenial(new AuditEntry("chain-denial-2", "client-1", "token.denied", null, Decision.DENY,
					"invalid_scope", Map.of()));
			tx.setRollbackOnly();
		});
		assertThat(count("chain-denial")).isZero();
		assertThat(count("chain-denial-2")).isEqualTo(1);
	}

	@Test
	void publishedEventIsRecordedInThePublishersTransaction() {
		this.transactions.executeWithoutResult((tx) -> this.events.publishEvent(new Happened("chain-event")));
		assertThat(count("chain-event")).isEqualTo(1);
		this.transactions.executeWithoutResult((tx) -> {
			this.events.publishEvent(new Happened("chain-event-rollback"));
			tx.setRollbackOnly();
		});
		assertThat(count("chain-event-rollback")).isZero();
		// outside a transaction: recorded at once
		this.events.publishEvent(new Happened("chain-event-alone"));
		assertThat(count("chain-event-alone")).isEqualTo(1);
	}

	@Test
	void failedAuditWriteFailsThePublishersTransaction() {
		jdbc().sql("CREATE TABLE probe (id int)").update();
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> this.transactions.executeWithoutResult((tx) -> {
				jdbc().sql("INSERT INTO probe VALUES (1)").update();
				// a NUL character cannot be stored by PostgreSQL: the append fails at
				// commit
				this.events.publishEvent(new Happened("chain-\u0000"));
			}));
		assertThat(jdbc().sql("SELECT count(*) FROM probe").query(Long.class).single()).isZero();
	}

	@Test
	void findFiltersAndPagesNewestFirst() {
		for (int i = 0; i < 7; i++) {
			this.trail.append(new AuditEntry("chain-find", "actor-" + (i % 2), "token.issued", "t" + i,
					(i % 3 == 0) ? Decision.DENY : Decision.ALLOW, null, Map.of("i", i)));
		}
		List<AuditRecord> all = new ArrayList<>();
		String cursor = null;
		do {
			AuditPage page = this.trail.find(new AuditQuery("chain-find", null, null, null, null, null, 3, cursor));
			assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
			all.addAll(page.items());
			cursor = page.nextCursor();
		}
		while (cursor != null);
		assertThat(all).extracting(AuditRecord::seq).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
		assertThat(all.get(0).details()).containsEntry("i", 6L);
		assertThat(this.trail.find(new AuditQuery("chain-find", "actor-1", null, null, null, null, 50, null)).items())
			.extracting(AuditRecord::target)
			.containsExactly("t5", "t3", "t1");
		assertThat(
				this.trail.find(new AuditQuery("chain-find", null, null, Decision.DENY, null, null, 50, null)).items())
			.extracting(AuditRecord::target)
			.containsExactly("t6", "t3", "t0");
		assertThat(this.trail.find(new AuditQuery("chain-find", null, "token.revoked", null, null, null, 50, null))
			.items()).isEmpty();
		Instant later = Instant.now().plusSeconds(60);
		assertThat(this.trail.find(new AuditQuery("chain-find", null, null, null, later, null, 50, null)).items())
			.isEmpty();
		assertThat(this.trail.find(new AuditQuery("chain-find", null, null, null, null, later, 50, null)).items())
			.hasSize(7);
		assertThatExceptionOfType(InvalidAuditQueryException.class)
			.isThrownBy(() -> this.trail.find(new AuditQuery(null, null, null, null, null, null, 5, "not-a-cursor")))
			.satisfies((ex) -> assertThat(ex.getParameter()).isEqualTo("cursor"));
	}

	@Test
	void exportIsReverifiedByTheScriptInDocs(@TempDir Path dir) throws Exception {
		this.trail.append(new AuditEntry("chain-export", "client-1", "token.issued", "jti-1", Decision.ALLOW, null,
				Map.of("scope", "crm:read", "n", 1.5e-7, "big", 1e21, "text", "\u00e9\ud83d\ude00\t")));
		this.trail.append(entry("chain-export", "token.revoked"));
		this.trail.appendDenial(new AuditEntry(AuditEntry.SYSTEM_CHAIN, null, "admin.denied", "/admin/v1/agents",
				Decision.DENY, "missing bearer token", Map.of("method", "GET", "path", "/admin/v1/agents")));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		this.trail.export(null, out);
		String jsonl = out.toString(StandardCharsets.UTF_8);
		assertThat(jsonl.lines())
			.allSatisfy((line) -> assertThat(line).contains("\"prevHash\":", "\"hash\":", "\"seq\":"));
		Path file = dir.resolve("export.jsonl");
		Files.writeString(file, jsonl);
		Path script = Path.of("..", "docs", "examples", "verify-audit-export.mjs").toAbsolutePath().normalize();
		assertThat(script).exists();
		assumeThat(nodeWithCanonicalize(script)).as("node and canonicalize in docs/examples/node_modules").isTrue();
		Result ok = run(script, file);
		assertThat(ok.exit()).as(ok.output()).isZero();
		assertThat(ok.output()).contains("valid");
		// one character changed in the export: the script says where
		Files.writeString(file, jsonl.replace("crm:read", "crm:rEad"));
		Result bad = run(script, file);
		assertThat(bad.exit()).isNotZero();
		assertThat(bad.output()).contains("chain-export").contains("seq 1");
	}

	@Test
	@SuppressWarnings("unchecked")
	void checkpointsAreSignedOverEveryHeadAndTheLatestIsKept(@Autowired TestCheckpointSigner signer) {
		AuditRecord head = this.trail.append(entry("chain-cp", "agent.registered"));
		AuditCheckpoint checkpoint = this.trail.createCheckpoint();
		assertThat(checkpoint.chains()).isPositive();
		assertThat(this.trail.latestCheckpoint()).contains(checkpoint);
		Map<String, Object> claims = signer.verify(checkpoint.checkpoint());
		assertThat(claims).containsEntry("iss", TestCheckpointSigner.ISSUER).containsKey("iat");
		Map<String, Object> heads = (Map<String, Object>) claims.get("heads");
		assertThat(heads).hasSize(checkpoint.chains())
			.containsEntry("chain-cp", Map.of("seq", 1L, "hash", head.hash()));
		assertThat(this.trail.verify(null).valid()).isTrue();
	}

	@Test
	void verifyWhenWholeTrailIntactThenValidWithCounts() {
		this.trail.append(entry("chain-v1", "agent.registered"));
		this.trail.append(entry("chain-v2", "agent.registered"));
		AuditVerification result = this.trail.verify(null);
		assertThat(result).isInstanceOf(AuditVerification.Valid.class);
		AuditVerification.Valid valid = (AuditVerification.Valid) result;
		assertThat(valid.records())
			.isEqualTo(jdbc().sql("SELECT count(*) FROM audit_record").query(Long.class).single());
		assertThat(valid.chains())
			.isEqualTo(jdbc().sql("SELECT count(DISTINCT chain) FROM audit_record").query(Long.class).single());
	}

	@Test
	void createCheckpointWhenNothingChangedThenNoneIsMade(@Autowired AuditCheckpoints checkpoints) {
		this.trail.append(entry("chain-cp2", "agent.registered"));
		assertThat(checkpointIfChanged(checkpoints)).isPresent();
		assertThat(checkpointIfChanged(checkpoints)).isEmpty();
		this.trail.append(entry("chain-cp2", "agent.updated"));
		assertThat(checkpointIfChanged(checkpoints)).isPresent();
	}

	java.util.Optional<AuditCheckpoint> checkpointIfChanged(AuditCheckpoints checkpoints) {
		return this.transactions.execute((tx) -> checkpoints.createIfChanged());
	}

	long count(String chain) {
		return jdbc().sql("SELECT count(*) FROM audit_record WHERE chain = ?").param(chain).query(Long.class).single();
	}

	static boolean nodeWithCanonicalize(Path script) {
		if (!Files.isDirectory(script.resolveSibling("node_modules").resolve("canonicalize"))) {
			return false;
		}
		try {
			Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
			return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

	static Result run(Path script, Path file) throws IOException, InterruptedException {
		Process p = new ProcessBuilder("node", script.toString(), file.toString()).redirectErrorStream(true).start();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(p.exitValue(), output);
	}

	record Result(int exit, String output) {
	}

	record Happened(String chain) implements AuditableEvent {

		@Override
		public AuditEntry auditEntry() {
			return new AuditEntry(this.chain, "client-1", "agent.updated", this.chain, Decision.ALLOW, null, Map.of());
		}

	}

}
