package dev.agentidp.app.console;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API called with a signed-in console session (issue 18, "Admin API for
 * people"): an admin's session acts as {@code idp:admin} and an auditor's as
 * {@code idp:audit:read}, others get nothing; an unsafe method needs the session's CSRF
 * token; admin clients' bearer tokens work as before, without one.
 */
class ConsoleAdminApiTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "admin-api-tests-password-0123";

	@Autowired
	private People people;

	@Test
	void anAdminsSessionIsTheAdminApisAdminNamedByThePerson() {
		ConsoleSession session = signedIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> whoami = session.send("/admin/v1/whoami", HttpRequest.Builder::GET);
		assertThat(whoami.statusCode()).isEqualTo(200);
		assertThat(whoami.body()).contains("\"clientId\":\"user:admin\"").contains("idp:admin", "idp:audit:read");
	}

	@Test
	void anUnsafeCallFromASessionNeedsItsCsrfTokenAndIsAuditedAsThePerson() {
		TestAgent agent = agents().document("api-session").scopes("files:read").register();
		ConsoleSession session = signedIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> forged = session.send("/admin/v1/agents/" + agent.id() + "/suspend",
				(request) -> request.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"no token\"}")));
		assertThat(forged.statusCode()).isEqualTo(403);
		assertThat(forged.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
		assertThat(forged.body()).contains("CSRF token");
		assertThat(status(agent)).isEqualTo("active");

		HttpResponse<String> suspended = session.send("/admin/v1/agents/" + agent.id() + "/suspend",
				(request) -> request.header("Content-Type", "application/json")
					.header("X-CSRF-TOKEN", session.csrf())
					.POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"from the console\"}")));
		assertThat(suspended.statusCode()).isEqualTo(200);
		assertThat(status(agent)).isEqualTo("suspended");
		assertThat(this.jdbc
			.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'agent.suspended' AND reason = ?")
			.params(agent.id(), "from the console")
			.query(String.class)
			.single()).isEqualTo("user:admin");
	}

	@Test
	void anAuditorsSessionReadsTheAuditTrailAndNothingElse() {
		TestAgent agent = agents().document("api-auditor").scopes("files:read").register();
		Person auditor = person(Set.of(Person.AUDITOR));
		ConsoleSession session = signedIn(auditor.username(), PASSWORD);
		assertThat(session.send("/admin/v1/audit?limit=1", HttpRequest.Builder::GET).statusCode()).isEqualTo(200);
		HttpResponse<String> agents = session.send("/admin/v1/agents", HttpRequest.Builder::GET);
		assertThat(agents.statusCode()).isEqualTo(403);
		assertThat(agents.body()).contains("roles do not allow this operation");
		HttpResponse<String> suspend = session.send("/admin/v1/agents/" + agent.id() + "/suspend",
				(request) -> request.header("X-CSRF-TOKEN", session.csrf()).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(suspend.statusCode()).isEqualTo(403);
		assertThat(status(agent)).isEqualTo("active");
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE actor = ? AND decision = 'deny'")
			.param(auditor.actor())
			.query(Long.class)
			.single()).isEqualTo(2);
	}

	@Test
	void anOwnersSessionGetsNothingFromTheAdminApi() {
		Person owner = person(Set.of(Person.OWNER));
		ConsoleSession session = signedIn(owner.username(), PASSWORD);
		assertThat(session.send("/admin/v1/whoami", HttpRequest.Builder::GET).statusCode()).isEqualTo(403);
		assertThat(session.send("/admin/v1/audit?limit=1", HttpRequest.Builder::GET).statusCode()).isEqualTo(403);
	}

	@Test
	void aSignedOutOrNoSessionIsUnauthorizedAndAnAdminClientNeedsNoCsrfToken() {
		assertThat(new ConsoleSession(this.port).send("/admin/v1/whoami", HttpRequest.Builder::GET).statusCode())
			.isEqualTo(401);
		TestAgent agent = agents().document("api-bearer").scopes("files:read").register();
		ConsoleSession session = signedIn("admin", ADMIN_PASSWORD);
		// a bearer token beside a session cookie: the token is the credential, no CSRF
		// token is asked for
		HttpResponse<String> suspended = session.send("/admin/v1/agents/" + agent.id() + "/suspend",
				(request) -> request.header("Authorization", "Bearer " + admin().token())
					.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(suspended.statusCode()).isEqualTo(200);
		assertThat(this.jdbc.sql(
				"SELECT actor FROM audit_record WHERE chain = ? AND action = 'agent.suspended' ORDER BY seq DESC LIMIT 1")
			.param(agent.id())
			.query(String.class)
			.single()).isEqualTo("idp-admin");
	}

	private ConsoleSession signedIn(String username, String password) {
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn(username, password).headers().firstValue("Location").orElseThrow())
			.endsWith("/console");
		// a page of the console, for the session's CSRF token
		session.get("/console");
		return session;
	}

	private String status(TestAgent agent) {
		return this.agents.findAgent(AgentId.of(agent.id())).orElseThrow().status().value();
	}

	private Person person(Set<String> roles) {
		String name = "api-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

}
