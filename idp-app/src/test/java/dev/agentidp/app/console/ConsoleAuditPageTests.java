package dev.agentidp.app.console;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's audit page over plain HTTP (issue 18, "Audit"): search, the latest
 * checkpoint's signature, verify all in the background, the JSON Lines export; admins and
 * auditors only; bad input named. The page in a real browser is
 * {@link ConsoleAuditBrowserTests}.
 */
class ConsoleAuditPageTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "audit-page-tests-password-0123";

	@Autowired
	private People people;

	@Test
	void anAuditorSearchesByActorAndSeesOnlyThatActorsRecords() {
		Person auditor = person(Set.of(Person.AUDITOR));
		ConsoleSession session = signedIn(auditor.username());
		HttpResponse<String> page = session
			.get("/console/audit?actor=" + auditor.actor() + "&action=console.signed_in");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("data-chain=\"_system\"").contains(auditor.actor());
		assertThat(page.body().split("data-seq=").length - 1).isEqualTo(1);
		assertThat(session.get("/console/audit?actor=nobody-" + UUID.randomUUID()).body())
			.contains("No record matches.");
	}

	@Test
	void htmlInARecordIsEscaped() {
		String script = "<script>alert(1)</script>";
		ConsoleSession session = signedIn("admin", ADMIN_PASSWORD);
		// a refused sign-in records the name as typed
		new ConsoleSession(this.port).signIn(script, "wrong-password-0123");
		HttpResponse<String> page = session.get("/console/audit?action=console.sign_in_denied");
		assertThat(page.body()).doesNotContain(script).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
	}

	@Test
	void theLatestCheckpointsSignatureIsShownVerified() {
		assertThat(admin().postNoBody("/admin/v1/audit/checkpoints").statusCode()).isEqualTo(201);
		HttpResponse<String> page = signedIn("admin", ADMIN_PASSWORD).get("/console/audit");
		assertThat(page.body()).contains("id=\"checkpoint-signature\"")
			.contains("verifies with the provider&#39;s signing key");
	}

	@Test
	void verifyAllRunsInTheBackgroundAndShowsTheIntactTrail() throws InterruptedException {
		Person auditor = person(Set.of(Person.AUDITOR));
		ConsoleSession session = signedIn(auditor.username());
		assertThat(session.get("/console/audit/verify").body()).contains("data-state=\"none\"");
		session.get("/console/audit");
		HttpResponse<String> started = session.post("/console/audit/verify", Map.of(), true);
		assertThat(started.statusCode()).isEqualTo(302);
		assertThat(started.headers().firstValue("Location").orElseThrow()).endsWith("/console/audit/verify");
		HttpResponse<String> status = session.get("/console/audit/verify");
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (status.body().contains("data-state=\"running\"") && Instant.now().isBefore(deadline)) {
			assertThat(status.body()).contains("http-equiv=\"refresh\"");
			Thread.sleep(200);
			status = session.get("/console/audit/verify");
		}
		assertThat(status.body()).contains("data-state=\"done\"")
			.contains("id=\"verify-valid\"")
			.contains("The trail is intact");
		// another person's session does not see this run
		assertThat(signedIn("admin", ADMIN_PASSWORD).get("/console/audit/verify").body())
			.contains("data-state=\"none\"");
	}

	@Test
	void theExportIsJsonLinesOfEveryRecord() {
		TestAgent agent = agents().document("export").scopes("files:read").register();
		HttpResponse<String> export = signedIn("admin", ADMIN_PASSWORD).get("/console/audit/export");
		assertThat(export.statusCode()).isEqualTo(200);
		assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/jsonl");
		assertThat(export.headers().firstValue("Content-Disposition").orElseThrow()).contains("audit.jsonl");
		assertThat(export.body().lines()).allSatisfy((line) -> assertThat(line).startsWith("{").endsWith("}"));
		assertThat(export.body()).contains("\"chain\":\"" + agent.id() + "\"");
	}

	@Test
	void anOwnerIsRefusedTheAuditPageItsVerifyAndItsExport() {
		Person owner = person(Set.of(Person.OWNER));
		ConsoleSession session = signedIn(owner.username());
		assertThat(session.get("/console/audit").statusCode()).isEqualTo(403);
		assertThat(session.get("/console/audit/export").statusCode()).isEqualTo(403);
		session.get("/console");
		assertThat(session.post("/console/audit/verify", Map.of(), true).statusCode()).isEqualTo(403);
		assertThat(session.get("/console").body()).doesNotContain("id=\"nav-audit\"");
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE action = 'console.denied' AND actor = ? AND target LIKE"
					+ " '/console/audit%'")
			.param(owner.actor())
			.query(Long.class)
			.single()).isEqualTo(3);
	}

	@Test
	void badSearchInputIsNamed() {
		ConsoleSession session = signedIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> decision = session.get("/console/audit?decision=maybe");
		assertThat(decision.statusCode()).isEqualTo(400);
		assertThat(decision.body()).contains("decision").contains("must be allow or deny");
		HttpResponse<String> cursor = session.get("/console/audit?cursor=not-a-cursor");
		assertThat(cursor.statusCode()).isEqualTo(400);
		assertThat(cursor.body()).contains("cursor").doesNotContain("Exception");
		HttpResponse<String> actor = session.get("/console/audit?actor=" + "a".repeat(300));
		assertThat(actor.statusCode()).isEqualTo(400);
		assertThat(actor.body()).contains("actor: must be at most 256 characters");
	}

	private ConsoleSession signedIn(String username) {
		return signedIn(username, PASSWORD);
	}

	private ConsoleSession signedIn(String username, String password) {
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn(username, password).headers().firstValue("Location").orElseThrow())
			.endsWith("/console");
		return session;
	}

	private Person person(Set<String> roles) {
		String name = "audit-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

}
