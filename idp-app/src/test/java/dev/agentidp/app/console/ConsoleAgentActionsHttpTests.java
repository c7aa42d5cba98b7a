package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's inventory export, registration, key and token actions over plain HTTP
 * (issue 18, items 1 to 3): what a browser test would be slow to show, each refusal with
 * its status, its page and its audit record.
 */
class ConsoleAgentActionsHttpTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "http-actions-password-0123";

	@Autowired
	private People people;

	@Test
	void theCsvExportIsTheFilteredInventoryWithFormulasDefused() {
		String marker = "csv" + UUID.randomUUID().toString().substring(0, 6);
		TestAgent agent = agents().document(marker)
			.edit((json) -> json.put("team", "=HYPERLINK(\"http://evil.example\")").put("environment", "prod"))
			.scope("crm:read", "critical")
			.register();
		agent.token(http(), "crm:read");
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> csv = session.get("/console/agents.csv?q=" + marker);
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
		assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).contains("agents.csv");
		String[] lines = csv.body().split("\r\n");
		assertThat(lines).hasSize(2);
		assertThat(lines[0]).isEqualTo("id,name,owner,team,environment,status,risk,parent,last_token_issued,"
				+ "active_tokens,sub_agents,created");
		assertThat(lines[1]).startsWith(agent.id() + ",")
			.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\",prod,active,critical,,")
			.contains(",1,0,");
		// the filters apply: another name matches nothing
		assertThat(session.get("/console/agents.csv?q=nothing-" + marker).body().split("\r\n")).hasSize(1);
	}

	@Test
	void anOwnersExportAndRegistrationAreTheirOwnWhateverTheyAsk() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent theirs = agents().document("notmine").scopes("files:read").register();
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(owner.username(), PASSWORD);
		assertThat(session.get("/console/agents.csv?owner=owner@example.com").body()).doesNotContain(theirs.id());
		session.get("/console/agents/new");
		HttpResponse<String> registered = session.post("/console/agents", Map.of("name", "own-bot", "owner",
				"owner@example.com", "capabilities", "files:read\r\ncrm:read medium"), true);
		assertThat(registered.statusCode()).isEqualTo(200);
		assertThat(registered.body()).contains("Its private key, shown once");
		assertThat(this.jdbc.sql("SELECT owner FROM agent WHERE name = 'own-bot'").query(String.class).single())
			.isEqualTo(owner.email());
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE action = 'agent.registered' AND actor = ?")
			.param(owner.actor())
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(session.get("/console/agents.csv").body()).contains("own-bot", owner.email());
	}

	@Test
	void badRegistrationsNameTheFieldAndRegisterNothing() {
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		session.get("/console/agents/new");
		assertBadRegistration(session, form("team", "t".repeat(129)), "team: must be at most 128 characters");
		assertBadRegistration(session, form("name", "no spaces"), "name: ");
		assertBadRegistration(session, form("capabilities", "crm:read extreme"),
				"capabilities[0].riskLevel: must be one of");
		assertBadRegistration(session, form("capabilities", ""), "capabilities: is required");
		assertBadRegistration(session, form("description", "bell\u0007"),
				"description: must not hold control characters");
		assertBadRegistration(session, form("jwk", "{not json"), "jwk: must be a JSON object");
		assertBadRegistration(session, form("owner", ""), "owner: is required");
		String name = "dup-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(session.post("/console/agents", form("name", name), true).statusCode()).isEqualTo(200);
		session.get("/console/agents/new");
		HttpResponse<String> again = session.post("/console/agents", form("name", name), true);
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("already has an agent named");
	}

	@Test
	void anAuditorCannotRegisterRevokeOrRotateAndEachRefusalIsAudited() {
		TestAgent agent = agents().document("ro").scopes("files:read").register();
		String jti = TestHttp.claims(agent.token(http(), "files:read")).get("jti").asString();
		Person auditor = person(Set.of(Person.AUDITOR));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(auditor.username(), PASSWORD);
		assertThat(session.get("/console/agents/new").statusCode()).isEqualTo(403);
		session.get("/console/tokens?jti=" + jti);
		assertThat(session.post("/console/tokens/" + jti + "/revoke", Map.of(), true).statusCode()).isEqualTo(403);
		assertThat(session.post("/console/agents/" + agent.id() + "/tokens/revoke", Map.of(), true).statusCode())
			.isEqualTo(403);
		assertThat(session.post("/console/agents", form("name", "auditors-bot"), true).statusCode()).isEqualTo(403);
		assertThat(this.jdbc.sql("SELECT revoked_at IS NULL FROM issued_token WHERE jti = ?")
			.param(jti)
			.query(Boolean.class)
			.single()).isTrue();
		// the form refused by the page, the three posts by the security chain: each
		// audited
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_record WHERE action = 'console.denied' AND actor = ?")
			.param(auditor.actor())
			.query(Long.class)
			.single()).isEqualTo(4);
	}

	@Test
	void anOwnerIsRefusedAnotherOwnersTokenRevocationWithACsrfToken() {
		TestAgent other = agents().document("other").scopes("files:read").register();
		String jti = TestHttp.claims(other.token(http(), "files:read")).get("jti").asString();
		Person owner = person(Set.of(Person.OWNER));
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(owner.username(), PASSWORD);
		session.get("/console/tokens");
		HttpResponse<String> refused = session.post("/console/tokens/" + jti + "/revoke", Map.of(), true);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(this.jdbc.sql("SELECT revoked_at IS NULL FROM issued_token WHERE jti = ?")
			.param(jti)
			.query(Boolean.class)
			.single()).isTrue();
		assertThat(this.jdbc
			.sql("SELECT reason FROM audit_record WHERE action = 'console.denied' AND actor = ? AND chain = ?")
			.params(owner.actor(), other.id())
			.query(String.class)
			.single()).isEqualTo("not the owner of this token's agent");
	}

	@Test
	void anAdminRetiresAKeyWithGraceAndRevokesEveryTokenOfAnAgent() {
		TestAgent agent = agents().document("keys").scopes("files:read").register();
		agent.token(http(), "files:read");
		agent.token(http(), "files:read");
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		session.get("/console/agents/" + agent.id());
		HttpResponse<String> added = session.post("/console/agents/" + agent.id() + "/keys", Map.of(), true);
		assertThat(added.statusCode()).isEqualTo(200);
		assertThat(added.body()).contains("Its private key, shown once");
		session.get("/console/agents/" + agent.id());
		String kid = agent.key().getKeyID();
		HttpResponse<String> retired = session.post("/console/agents/" + agent.id() + "/keys/" + kid + "/retire",
				Map.of("grace", "600"), true);
		assertThat(retired.statusCode()).isEqualTo(302);
		assertThat(this.jdbc.sql("SELECT status FROM agent_key WHERE agent_id = ?::uuid AND kid = ?")
			.params(agent.id(), kid)
			.query(String.class)
			.single()).isEqualTo("retiring");
		// a retiring key is not rotated, and the refused rotation adds no key
		session.get("/console/agents/" + agent.id());
		HttpResponse<String> rotated = session.post("/console/agents/" + agent.id() + "/keys/" + kid + "/rotate",
				Map.of("grace", "60"), true);
		assertThat(rotated.statusCode()).isEqualTo(409);
		assertThat(rotated.body()).contains("only an active key is rotated");
		assertThat(this.jdbc.sql("SELECT count(*) FROM agent_key WHERE agent_id = ?::uuid")
			.param(agent.id())
			.query(Long.class)
			.single()).isEqualTo(2);
		session.get("/console/agents/" + agent.id());
		assertThat(
				session.post("/console/agents/" + agent.id() + "/keys/" + kid + "/retire", Map.of("grace", "-1"), true)
					.body())
			.contains("grace: must be a number of seconds from 0 to");
		HttpResponse<String> revoked = session.post("/console/agents/" + agent.id() + "/tokens/revoke", Map.of(), true);
		assertThat(revoked.statusCode()).isEqualTo(302);
		assertThat(this.jdbc.sql("SELECT count(*) FROM issued_token WHERE agent_id = ?::uuid AND revoked_at IS NULL")
			.param(agent.id())
			.query(Long.class)
			.single()).isZero();
		assertThat(this.jdbc.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'token.revoked'")
			.param(agent.id())
			.query(String.class)
			.list()).containsOnly("user:admin");
	}

	@Test
	void anOwnerRevokesTheirOwnAgentsTokenAfterThePreview() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent own = agents().document("owned")
			.edit((json) -> json.put("owner", owner.email()))
			.scopes("files:read")
			.register();
		String jti = TestHttp.claims(own.token(http(), "files:read")).get("jti").asString();
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn(owner.username(), PASSWORD);
		assertThat(session.get("/console/tokens?agent=" + own.id()).body()).contains(jti);
		HttpResponse<String> preview = session.get("/console/tokens/" + jti + "/revoke");
		assertThat(preview.statusCode()).isEqualTo(200);
		assertThat(preview.body()).contains("This revokes 1 + 0 derived tokens.");
		HttpResponse<String> revoked = session.post("/console/tokens/" + jti + "/revoke",
				Map.of("reason", "leaked in a log"), true);
		assertThat(revoked.statusCode()).isEqualTo(302);
		assertThat(this.jdbc
			.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'token.revoked' AND reason = ?")
			.params(own.id(), "leaked in a log")
			.query(String.class)
			.single()).isEqualTo(owner.actor());
		// revoked, the preview counts nothing live
		assertThat(session.get("/console/tokens/" + jti + "/revoke").body())
			.contains("This revokes 0 + 0 derived tokens.");
	}

	@Test
	void anAgentsAuditChainIsPagedAndFiltered() {
		TestAgent agent = agents().document("paged").scopes("files:read").register();
		for (int i = 0; i < 21; i++) {
			agent.token(http(), "files:read");
		}
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		String first = session.get("/console/agents/" + agent.id()).body();
		assertThat(first).contains("id=\"audit-next\"");
		String next = first.replaceAll("(?s).*id=\"audit-next\"\\s+href=\"([^\"]+)\".*", "$1")
			.replace("&amp;", "&")
			.replaceAll("#.*", "");
		String older = session.get(next).body();
		assertThat(older).contains("agent.registered").contains("id=\"audit-first\"");
		String registered = session.get("/console/agents/" + agent.id() + "?action=agent.registered").body();
		assertThat(registered).contains("agent.registered").doesNotContain("token.issued");
		assertThat(session.get("/console/agents/" + agent.id() + "?decision=deny").body())
			.contains("No records match.");
	}

	@Test
	void badAgentPageParametersNameTheParameter() {
		TestAgent agent = agents().document("params").scopes("files:read").register();
		ConsoleSession session = new ConsoleSession(this.port);
		session.signIn("admin", ADMIN_PASSWORD);
		String page = "/console/agents/" + agent.id();
		assertBad(session.get(page + "?from=9"), "from: must be a version of this agent, 1 to 1");
		assertBad(session.get(page + "?to=x"), "to: must be a version of this agent");
		assertBad(session.get(page + "?decision=maybe"), "decision: must be one of allow|deny");
		assertThat(session.get(page + "?audit=nonsense").statusCode()).isEqualTo(400);
		assertBad(session.get("/console/tokens?agent=not-a-uuid"), "agent: must be an agent id");
		assertBad(session.get("/console/tokens/" + "j".repeat(65) + "/revoke"),
				"jti: is not a token this provider holds");
		assertThat(session.get("/console/tokens?jti=" + UUID.randomUUID()).body()).contains("No token matches.");
	}

	private static void assertBad(HttpResponse<String> response, String message) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains(message).doesNotContain("Exception");
	}

	private void assertBadRegistration(ConsoleSession session, Map<String, String> form, String message) {
		long before = this.jdbc.sql("SELECT count(*) FROM agent").query(Long.class).single();
		HttpResponse<String> response = session.post("/console/agents", form, true);
		assertBad(response, message);
		assertThat(this.jdbc.sql("SELECT count(*) FROM agent").query(Long.class).single()).isEqualTo(before);
		session.get("/console/agents/new");
	}

	private static Map<String, String> form(String field, String value) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("name", "bot-" + UUID.randomUUID().toString().substring(0, 8));
		form.put("owner", "owner@example.com");
		form.put("capabilities", "files:read low");
		form.put(field, value);
		return form;
	}

	private Person person(Set<String> roles) {
		String name = "a-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

}
