package dev.agentidp.app.console;

import java.net.http.HttpResponse;
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
 * The console's refusals over plain HTTP (issue 18, "Bad input"): CSRF, throttled
 * sign-in, no role, an auditor's POST, over-long and malformed fields, the session
 * cookie's attributes. The journeys in a real browser are {@link ConsoleBrowserTests}.
 */
class ConsoleHttpTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "console-tests-password-0123";

	@Autowired
	private People people;

	@Test
	void theSessionCookieIsHttpOnlyAndSameSiteLax() {
		HttpResponse<String> page = new ConsoleSession(this.port).get("/console/login");
		assertThat(page.statusCode()).isEqualTo(200);
		String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(cookie).startsWith("JSESSIONID=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
		assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
	}

	@Test
	void signingInStartsANewSession() {
		ConsoleSession session = new ConsoleSession(this.port);
		String before = sessionId(session.get("/console/login"));
		HttpResponse<String> signedIn = session.signIn("admin", ADMIN_PASSWORD);
		assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/console");
		assertThat(sessionId(signedIn)).isNotEqualTo(before);
	}

	private static String sessionId(HttpResponse<String> response) {
		String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
		return cookie.substring("JSESSIONID=".length(), cookie.indexOf(';'));
	}

	@Test
	void signingInWithoutACsrfTokenIsRefused() {
		ConsoleSession session = new ConsoleSession(this.port);
		session.get("/console/login");
		HttpResponse<String> refused = session.post("/console/login",
				Map.of("username", "admin", "password", ADMIN_PASSWORD), false);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("Not allowed").doesNotContain("Exception");
	}

	@Test
	void aFormPostWithoutItsCsrfTokenIsRefusedAndAudited() {
		TestAgent agent = agents().document("csrf").scopes("files:read").register();
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn("admin", ADMIN_PASSWORD).headers().firstValue("Location").orElseThrow())
			.endsWith("/console");
		long before = denials("missing or invalid CSRF token");
		HttpResponse<String> forged = session.post("/console/agents/" + agent.id() + "/suspend", Map.of(), false);
		assertThat(forged.statusCode()).isEqualTo(403);
		HttpResponse<String> wrong = session.post("/console/agents/" + agent.id() + "/suspend",
				Map.of("_csrf", "forged-token"), false);
		assertThat(wrong.statusCode()).isEqualTo(403);
		assertThat(this.agents.findAgent(dev.agentidp.registry.AgentId.of(agent.id())).orElseThrow().status().value())
			.isEqualTo("active");
		assertThat(denials("missing or invalid CSRF token")).isEqualTo(before + 2);
	}

	@Test
	void anAuditorsPostIsRefusedAndAuditedOnTheAgentsChain() {
		TestAgent agent = agents().document("audited").scopes("files:read").register();
		Person auditor = person(Set.of(Person.AUDITOR));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(auditor.username(), PASSWORD);
		HttpResponse<String> page = session.get("/console/agents/" + agent.id());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).doesNotContain("id=\"suspend\"");
		HttpResponse<String> refused = session.post("/console/agents/" + agent.id() + "/suspend", Map.of(), true);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE action = 'console.denied' AND actor = ?")
			.param(auditor.actor())
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void aPersonWithoutARoleGetsThe403PageAndTheRefusalIsAudited() {
		Person nobody = person(Set.of());
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(nobody.username(), PASSWORD);
		HttpResponse<String> page = session.get("/console");
		assertThat(page.statusCode()).isEqualTo(403);
		assertThat(page.body()).contains("403 · Not allowed");
		assertThat(this.jdbc
			.sql("SELECT reason FROM audit_record WHERE action = 'console.denied' AND actor = ? AND decision = 'deny'")
			.param(nobody.actor())
			.query(String.class)
			.single()).isEqualTo("no role for this page or action");
	}

	@Test
	void failedSignInsAreThrottledPerAccountAndSourceWithTheSameGenericAnswer() {
		Person person = person(Set.of(Person.OWNER));
		for (int i = 0; i < 5; i++) {
			ConsoleSession session = new ConsoleSession(this.port);
			assertThat(session.signIn(person.username(), "wrong-password-" + i).headers().firstValue("Location"))
				.hasValueSatisfying((location) -> assertThat(location).endsWith("/console/login?error"));
		}
		// the right password is refused now too, with the same answer
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn(person.username(), PASSWORD).headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/console/login?error"));
		assertThat(session.get("/console/login?error").body())
			.contains("Sign-in failed. Check the username and password, or try again later.");
		assertThat(this.jdbc
			.sql("SELECT reason FROM audit_record WHERE action = 'console.sign_in_denied' AND actor = ? ORDER BY seq")
			.param(person.actor())
			.query(String.class)
			.list()).hasSize(6).last().isEqualTo("throttled: too many failed sign-ins");
		// another account from the same source is not affected
		assertThat(new ConsoleSession(this.port).signIn("admin", ADMIN_PASSWORD).headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/console"));
	}

	@Test
	void badInputIsAnsweredWithThePageThatNamesTheField() {
		TestAgent agent = agents().document("input").scopes("files:read").register();
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> status = session.get("/console?status=bogus");
		assertThat(status.statusCode()).isEqualTo(400);
		assertThat(status.body()).contains("status: must be one of active|suspended|retired");
		assertThat(session.get("/console?q=" + "x".repeat(65)).body()).contains("q: must be at most 64 characters");
		assertThat(session.get("/console?cursor=nonsense").statusCode()).isEqualTo(400);
		session.get("/console/agents/" + agent.id());
		HttpResponse<String> reason = session.post("/console/agents/" + agent.id() + "/suspend",
				Map.of("reason", "r".repeat(2000)), true);
		assertThat(reason.statusCode()).isEqualTo(400);
		assertThat(reason.body()).contains("reason: must be at most");
		assertThat(session.get("/console/agents/not-a-uuid").statusCode()).isEqualTo(404);
		assertThat(session.get("/console/agents/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
	}

	@Test
	void signedOutRequestsAreSentToTheSignInPage() {
		HttpResponse<String> page = new ConsoleSession(this.port).get("/console");
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/console/login");
	}

	private Person person(Set<String> roles) {
		String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

	private long denials(String reason) {
		return this.jdbc.sql("SELECT count(*) FROM audit_record WHERE action = 'console.denied' AND reason = ?")
			.param(reason)
			.query(Long.class)
			.single();
	}

}
