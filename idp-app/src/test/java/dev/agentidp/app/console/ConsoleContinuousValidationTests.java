package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentidp.anomalies.StepUpFixture;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static dev.agentidp.app.fixtures.TestAssertions.auditCount;
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
