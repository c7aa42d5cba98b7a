package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentidp.anomalies.StepUpFixture;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.util.HtmlUtils;

import static dev.agentidp.app.fixtures.TestAssertions.auditCount;
import static dev.agentidp.app.fixtures.TestAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pages of continuous validation over plain HTTP (docs/console.md
 * "Anomalies", "Reports", "Webhooks"): who may see and change what (the 403 page,
 * audited), CSRF, escaping, bad input named with nothing changed. The journeys in a real
 * browser are {@link ConsoleContinuousValidationBrowserTests}.
 */
class ConsoleContinuousValidationTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "console-cv-tests-password-0123";

	private static final Pattern ANOMALY_ID = Pattern.compile("data-anomaly-id=\"([0-9a-f-]{36})\"");

	@Autowired
	private People people;

	@Autowired
	private ApplicationContext context;

	@Test
	void theOwnerClearsAPendingStepUpWithAReasonAndTheAgentIsAllowedAgain() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent agent = StepUpFixture.pendingStepUp(this.context, http(), admin().token(), "cv-owner", owner.email());
		ConsoleSession session = signedIn(owner);
		HttpResponse<String> page = session.get("/console/agents/" + agent.id());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("new_resource", "step_up", "pending: calls stopped", "resource=github",
				"class=\"clear-anomaly\"");
		String anomaly = anomalyId(page.body());
		HttpResponse<String> cleared = session.post(clearPath(agent.id(), anomaly),
				Map.of("reason", "<script>alert(1)</script> reviewed"), true);
		assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(302);
		HttpResponse<String> after = session.get("/console/agents/" + agent.id());
		assertThat(after.body()).contains("is cleared.")
			.contains("cleared by " + owner.actor())
			.contains("&lt;script&gt;alert(1)&lt;/script&gt; reviewed")
			.doesNotContain("<script>alert(1)</script>")
			.doesNotContain("pending: calls stopped");
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.cleared")).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT cleared_by FROM anomaly WHERE id = ?::uuid")
			.param(anomaly)
			.query(String.class)
			.single()).isEqualTo(owner.actor());
		// clearing it again is refused with the facade's words, audited, nothing changed
		HttpResponse<String> twice = session.post(clearPath(agent.id(), anomaly), Map.of(), true);
		assertThat(twice.statusCode()).isEqualTo(409);
		assertThat(twice.body()).contains("was cleared already").doesNotContain("Exception");
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.clear_refused")).isEqualTo(1);
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.cleared")).isEqualTo(1);
	}

	@Test
	void anAuditorAndAnotherOwnerMayNotClearAndAPostWithoutCsrfIsRefused() {
		TestAgent agent = StepUpFixture.pendingStepUp(this.context, http(), admin().token(), "cv-refused",
				"someone-else@example.com");
		String anomaly = pendingAnomaly(agent.id());
		// the auditor sees the anomaly, with no form
		ConsoleSession auditor = signedIn(person(Set.of(Person.AUDITOR)));
		HttpResponse<String> page = auditor.get("/console/agents/" + agent.id());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("pending: calls stopped").doesNotContain("class=\"clear-anomaly\"");
		assertThat(auditor.post(clearPath(agent.id(), anomaly), Map.of(), true).statusCode()).isEqualTo(403);
		// another owner: the 403 page, audited on the agent's chain
		ConsoleSession other = signedIn(person(Set.of(Person.OWNER)));
		other.get("/console");
		long denied = auditCount(this.jdbc, agent.id(), "console.denied");
		assertThat(other.post(clearPath(agent.id(), anomaly), Map.of(), true).statusCode()).isEqualTo(403);
		assertThat(auditCount(this.jdbc, agent.id(), "console.denied")).isEqualTo(denied + 1);
		// the admin without the form's CSRF token
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn("admin", ADMIN_PASSWORD);
		assertThat(admin.post(clearPath(agent.id(), anomaly), Map.of(), false).statusCode()).isEqualTo(403);
		assertThat(pendingAnomaly(agent.id())).isEqualTo(anomaly);
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.cleared")).isZero();
	}

	@Test
	void badClearsAreNamedAndChangeNothing() {
		TestAgent agent = StepUpFixture.pendingStepUp(this.context, http(), admin().token(), "cv-bad",
				"owner@example.com");
		String anomaly = pendingAnomaly(agent.id());
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn("admin", ADMIN_PASSWORD);
		admin.get("/console/agents/" + agent.id());
		HttpResponse<String> notAnId = admin.post(clearPath(agent.id(), "not-an-id"), Map.of(), true);
		assertThat(notAnId.statusCode()).isEqualTo(400);
		assertThat(notAnId.body()).contains("anomalyId: must be an anomaly&#39;s id (a UUID)");
		HttpResponse<String> tooLong = admin.post(clearPath(agent.id(), anomaly), Map.of("reason", "x".repeat(501)),
				true);
		assertThat(tooLong.statusCode()).isEqualTo(400);
		assertThat(tooLong.body()).contains("reason: must be at most 500 characters");
		String unknown = UUID.randomUUID().toString();
		HttpResponse<String> none = admin.post(clearPath(agent.id(), unknown), Map.of(), true);
		assertThat(none.statusCode()).isEqualTo(404);
		assertThat(none.body()).contains("has no anomaly " + unknown);
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.clear_refused")).isEqualTo(1);
		assertThat(pendingAnomaly(agent.id())).isEqualTo(anomaly);
	}

	@Test
	void theReportsAreForAdminsAndAuditorsAndTheUnusedPermissionsPatchIsTheAdminApis() {
		TestAgent agent = new TestAgents(http(), admin().token(), http().baseUrl()).document("cv-report")
			.scopes("files:read", "files:write")
			.register();
		ConsoleSession auditor = signedIn(person(Set.of(Person.AUDITOR)));
		assertThat(auditor.get("/console").body()).contains("id=\"nav-reports\"").doesNotContain("id=\"nav-webhooks\"");
		HttpResponse<String> page = auditor.get("/console/reports?agent=" + agent.id() + "&days=7");
		assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("id=\"unused-capabilities\">files:read, files:write<")
			.contains("Out-of-scope attempts", "Failing authentication", "Agents without an active owner",
					"Keys not rotated in");
		// the test agents' owners are no people of the console
		assertThat(page.body()).contains("no person has this email");
		// the patch is the admin API's, read through the same facade method
		Matcher patch = Pattern.compile("<pre id=\"merge-patch\" class=\"patch\">([^<]*)</pre>").matcher(page.body());
		assertThat(patch.find()).isTrue();
		JsonNode shown = JsonMapper.builder().build().readTree(HtmlUtils.htmlUnescape(patch.group(1)));
		JsonNode api = TestHttp.json(admin().get("/admin/v1/reports/unused-permissions?days=7&agent=" + agent.id()))
			.get("patch");
		assertThat(shown).isEqualTo(api);
		assertThat(shown.get("capabilities")).isEmpty();
		// bad input is named
		HttpResponse<String> days = auditor.get("/console/reports?days=0");
		assertThat(days.statusCode()).isEqualTo(400);
		assertThat(days.body()).contains("days: must be between 1 and 365");
		HttpResponse<String> keyDays = auditor.get("/console/reports?keyDays=many");
		assertThat(keyDays.statusCode()).isEqualTo(400);
		assertThat(keyDays.body()).contains("keyDays: must be between 1 and 365");
		HttpResponse<String> malformed = auditor.get("/console/reports?agent=not-an-agent");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).contains("agent: must be an agent&#39;s id (a UUID)");
		assertThat(auditor.get("/console/reports?agent=" + UUID.randomUUID()).statusCode()).isEqualTo(404);
		// an owner: no link, the 403 page, audited
		Person owner = person(Set.of(Person.OWNER));
		ConsoleSession owners = signedIn(owner);
		assertThat(owners.get("/console").body()).doesNotContain("id=\"nav-reports\"");
		assertThat(owners.get("/console/reports").statusCode()).isEqualTo(403);
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE action = 'console.denied' AND actor = ?")
			.param(owner.actor())
			.query(Long.class)
			.single()).isEqualTo(1);
		// the page changes nothing: no POST, even for an admin
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn("admin", ADMIN_PASSWORD);
		admin.get("/console/reports");
		assertThat(admin.post("/console/reports", Map.of(), true).statusCode()).isEqualTo(403);
	}

	@Test
	void anAdminSubscribesSeesTheGeneratedSecretOnceAndDeletesWithCsrfOnly() {
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn("admin", ADMIN_PASSWORD);
		assertThat(admin.get("/console").body()).contains("id=\"nav-webhooks\"");
		admin.get("/console/webhooks");
		Map<String, String> form = new java.util.LinkedHashMap<>();
		form.put("url", "https://203.0.113.10/agent-idp");
		form.put("events", "agent.suspended");
		form.put("description", "<script>alert(1)</script> SIEM");
		HttpResponse<String> created = admin.post("/console/webhooks", form, true);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
		assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
		Matcher secret = Pattern.compile("id=\"webhook-secret\">([^<]+)<").matcher(created.body());
		assertThat(secret.find()).isTrue();
		String id = this.jdbc
			.sql("SELECT id::text FROM webhook_subscription WHERE url = ? AND created_by = 'user:admin'")
			.param("https://203.0.113.10/agent-idp")
			.query(String.class)
			.single();
		try {
			HttpResponse<String> list = admin.get("/console/webhooks");
			assertThat(list.body()).contains("data-webhook-id=\"" + id + "\"")
				.contains("&lt;script&gt;alert(1)&lt;/script&gt; SIEM")
				.doesNotContain("<script>alert(1)</script>")
				.doesNotContain(secret.group(1));
			assertThat(auditCount(this.jdbc, "_system", "webhook.subscribed")).isPositive();
			// its delivery log: an event it names is queued for it
			TestAgent agent = new TestAgents(http(), admin().token(), http().baseUrl()).document("cv-hook")
				.scopes("files:read")
				.register();
			assertThat(admin().postNoBody("/admin/v1/agents/" + agent.id() + "/suspend").statusCode()).isEqualTo(200);
			HttpResponse<String> log = awaitDelivery(admin, id);
			assertThat(log.body()).contains("agent.suspended").contains("https://203.0.113.10/agent-idp");
			// deleting without the form's CSRF token is refused; with it, done
			assertThat(admin.post("/console/webhooks/" + id + "/delete", Map.of(), false).statusCode()).isEqualTo(403);
			assertThat(subscriptions(id)).isEqualTo(1);
			admin.get("/console/webhooks");
			HttpResponse<String> deleted = admin.post("/console/webhooks/" + id + "/delete", Map.of(), true);
			assertThat(deleted.statusCode()).isEqualTo(302);
			assertThat(subscriptions(id)).isZero();
			assertThat(admin.get("/console/webhooks").body()).contains("Deleted subscription " + id);
			assertThat(admin.get("/console/webhooks/" + id).statusCode()).isEqualTo(404);
			assertThat(admin.get("/console/webhooks/not-an-id").statusCode()).isEqualTo(404);
		}
		finally {
			this.jdbc.sql("DELETE FROM webhook_subscription WHERE id = ?::uuid").param(id).update();
		}
	}

	private HttpResponse<String> awaitDelivery(ConsoleSession session, String subscription) {
		long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
		HttpResponse<String> log;
		do {
			log = session.get("/console/webhooks/" + subscription);
			assertThat(log.statusCode()).isEqualTo(200);
			if (log.body().contains("data-delivery-id=")) {
				return log;
			}
			sleep();
		}
		while (System.nanoTime() < until);
		throw new AssertionError("no delivery queued for " + subscription + ": " + log.body());
	}

	private static void sleep() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void badSubscriptionsAreRefusedInTheFacadesWordsAndStoreNothing() {
		ConsoleSession admin = new ConsoleSession(this.port);
		admin.signIn("admin", ADMIN_PASSWORD);
		admin.get("/console/webhooks");
		long stored = rows(this.jdbc, "webhook_subscription");
		long refusals = auditCount(this.jdbc, "_system", "webhook.refused");
		// the provider's tests run in the dev profile, which allows http and private
		// addresses: the refusal of those outside it is OutboundUrlsTests'
		assertRefused(admin, Map.of("url", "https://203.0.113.10/hook#x", "events", "agent.suspended"),
				"url: must not carry user information or a fragment");
		assertRefused(admin, Map.of("events", "agent.suspended"), "url: is required");
		assertRefused(admin, Map.of("url", "https://203.0.113.10/hook", "events", "agent.exploded"),
				"events: &quot;agent.exploded&quot; is not an event type");
		assertRefused(admin, Map.of("url", "https://203.0.113.10/hook"), "events: must name at least one of");
		assertRefused(admin, Map.of("url", "https://203.0.113.10/hook", "events", "agent.suspended", "secret", "short"),
				"secret: must be 32 to 256 printable ASCII characters");
		assertThat(rows(this.jdbc, "webhook_subscription")).isEqualTo(stored);
		assertThat(auditCount(this.jdbc, "_system", "webhook.refused")).isEqualTo(refusals + 5);
		// the console's own field rules, before the facade
		HttpResponse<String> control = admin.post("/console/webhooks",
				Map.of("url", "https://203.0.113.10/\u0007", "events", "agent.suspended"), true);
		assertThat(control.statusCode()).isEqualTo(400);
		assertThat(control.body()).contains("url: must not hold control characters");
		assertThat(rows(this.jdbc, "webhook_subscription")).isEqualTo(stored);
		// auditors and owners: the 403 page, no link
		for (String role : List.of(Person.AUDITOR, Person.OWNER)) {
			ConsoleSession other = signedIn(person(Set.of(role)));
			assertThat(other.get("/console").body()).doesNotContain("id=\"nav-webhooks\"");
			assertThat(other.get("/console/webhooks").statusCode()).isEqualTo(403);
			assertThat(other.post("/console/webhooks", Map.of("url", "https://203.0.113.10/hook"), true).statusCode())
				.isEqualTo(403);
		}
		assertThat(rows(this.jdbc, "webhook_subscription")).isEqualTo(stored);
	}

	private static void assertRefused(ConsoleSession session, Map<String, String> form, String detail) {
		HttpResponse<String> refused = session.post("/console/webhooks", form, true);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(refused.body()).contains(detail).doesNotContain("Exception");
	}

	private long subscriptions(String id) {
		return this.jdbc.sql("SELECT count(*) FROM webhook_subscription WHERE id = ?::uuid")
			.param(id)
			.query(Long.class)
			.single();
	}

	static String anomalyId(String page) {
		Matcher matcher = ANOMALY_ID.matcher(page);
		assertThat(matcher.find()).as("an anomaly on the page").isTrue();
		return matcher.group(1);
	}

	private String pendingAnomaly(String agentId) {
		return this.jdbc.sql(
				"SELECT id::text FROM anomaly WHERE agent_id = ?::uuid AND reaction = 'step_up' AND cleared_at IS NULL")
			.param(agentId)
			.query(String.class)
			.single();
	}

	static String clearPath(String agentId, String anomalyId) {
		return "/console/agents/" + agentId + "/anomalies/" + anomalyId + "/clear";
	}

	private ConsoleSession signedIn(Person person) {
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn(person.username(), PASSWORD).headers().firstValue("Location").orElseThrow())
			.endsWith("/console");
		return session;
	}

	private Person person(Set<String> roles) {
		String name = "cv-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

}
