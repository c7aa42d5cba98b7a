package dev.agentidp.app.console;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clients and people pages over plain HTTP (issue 18, "Clients"; people): admins
 * only, every change a CSRF-protected POST through the registry's and the people's
 * services, audited with the admin as actor; the secret shown once; bad input named.
 */
class ConsoleClientsAndPeopleTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "pages-tests-password-0123";

	private static final Pattern CLIENT_ID = Pattern.compile("id=\"client-id\">([^<]+)<");

	private static final Pattern SECRET = Pattern.compile("id=\"client-secret\">([^<]+)<");

	@Autowired
	private People people;

	@Test
	void anAdminRegistersAResourceServerSeesItsSecretOnceAndItIntrospects() {
		ConsoleSession session = admin("/console/clients");
		String name = "rs-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> registered = session.post("/console/clients",
				Map.of("name", name, "kind", "resource_server"), true);
		assertThat(registered.statusCode()).isEqualTo(200);
		assertThat(registered.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
		String clientId = group(CLIENT_ID, registered.body());
		String secret = group(SECRET, registered.body());
		assertThat(http().postForm("/oauth2/introspect", Map.of("token", "not-a-token"), clientId, secret).statusCode())
			.isEqualTo(200);
		HttpResponse<String> list = session.get("/console/clients");
		assertThat(list.body()).contains("data-client-id=\"" + clientId + "\"").contains(name).doesNotContain(secret);
		assertThat(actorOf("client.registered", clientId)).isEqualTo("user:admin");
	}

	@Test
	void anAdminDisablesAClientOnceAndItNoLongerAuthenticates() {
		ConsoleSession session = admin("/console/clients");
		HttpResponse<String> registered = session.post("/console/clients",
				Map.of("name", "to-disable", "kind", "resource_server"), true);
		String clientId = group(CLIENT_ID, registered.body());
		String secret = group(SECRET, registered.body());
		session.get("/console/clients");
		HttpResponse<String> disabled = session.post("/console/clients/" + clientId + "/disable",
				Map.of("reason", "decommissioned"), true);
		assertThat(disabled.statusCode()).isEqualTo(302);
		assertThat(disabled.headers().firstValue("Location").orElseThrow()).contains("disabled=" + clientId);
		assertThat(http().postForm("/oauth2/introspect", Map.of("token", "x"), clientId, secret).statusCode())
			.isEqualTo(401);
		assertThat(actorOf("client.disabled", clientId)).isEqualTo("user:admin");
		session.get("/console/clients");
		HttpResponse<String> again = session.post("/console/clients/" + clientId + "/disable", Map.of(), true);
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(session.post("/console/clients/no-such-client/disable", Map.of(), true).statusCode()).isEqualTo(404);
	}

	@Test
	void anAdminClientGetsOnlyTheScopesChosenAndBadInputIsNamed() {
		ConsoleSession session = admin("/console/clients");
		Map<String, String> form = new LinkedHashMap<>();
		form.put("name", "audit-reader");
		form.put("kind", "admin");
		form.put("scopes", "idp:audit:read");
		HttpResponse<String> registered = session.post("/console/clients", form, true);
		assertThat(registered.statusCode()).isEqualTo(200);
		assertThat(registered.body()).contains("idp:audit:read").doesNotContain("idp:admin idp");
		session.get("/console/clients");
		HttpResponse<String> kind = session.post("/console/clients", Map.of("name", "x", "kind", "agent"), true);
		assertThat(kind.statusCode()).isEqualTo(400);
		assertThat(kind.body()).contains("kind: must be resource_server or admin");
		session.get("/console/clients");
		HttpResponse<String> name = session.post("/console/clients",
				Map.of("name", "n".repeat(200), "kind", "resource_server"), true);
		assertThat(name.statusCode()).isEqualTo(400);
		assertThat(name.body()).contains("name");
		session.get("/console/clients");
		HttpResponse<String> script = session.post("/console/clients",
				Map.of("name", "<script>alert(1)</script>", "kind", "resource_server"), true);
		assertThat(script.body()).doesNotContain("<script>alert(1)</script>");
	}

	@Test
	void anAdminSeesTheTrustedIssuersAndOthersAreRefused() {
		String issuer = "https://k8s-" + UUID.randomUUID().toString().substring(0, 8) + ".example/<b>";
		HttpResponse<String> added = http().postJson("/admin/v1/trusted-issuers",
				"{\"issuer\":\"" + issuer.replace("<b>", "c") + "\",\"kind\":\"kubernetes\",\"jwksUri\":\""
						+ "https://keys.example/jwks\",\"subjectPattern\":\"<script>x</script>\"}",
				http().token("idp-admin", ADMIN_SECRET, "idp:admin"));
		assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
		ConsoleSession session = admin("/console/trusted-issuers");
		HttpResponse<String> page = session.get("/console/trusted-issuers");
		assertThat(page.body()).contains(issuer.replace("<b>", "c"))
			.contains("https://keys.example/jwks")
			.contains("nav-trusted-issuers")
			.doesNotContain("<script>x</script>");
		for (String role : new String[] { Person.AUDITOR, Person.OWNER }) {
			ConsoleSession other = new ConsoleSession(this.port);
			other.signIn(person(Set.of(role)).username(), PASSWORD);
			assertThat(other.get("/console/trusted-issuers").statusCode()).as(role).isEqualTo(403);
		}
	}

	@Test
	void onlyAnAdminSeesOrChangesClientsAndPeople() {
		for (String role : new String[] { Person.AUDITOR, Person.OWNER }) {
			Person person = person(Set.of(role));
			ConsoleSession session = new ConsoleSession(this.port);
			session.signIn(person.username(), PASSWORD);
			assertThat(session.get("/console/clients").statusCode()).as(role).isEqualTo(403);
			assertThat(session.get("/console/people").statusCode()).as(role).isEqualTo(403);
			session.get("/console");
			assertThat(
					session.post("/console/clients", Map.of("name", "x", "kind", "resource_server"), true).statusCode())
				.as(role)
				.isEqualTo(403);
			assertThat(session.post("/console/people/admin/disable", Map.of(), true).statusCode()).as(role)
				.isEqualTo(403);
			assertThat(session.get("/console").body()).doesNotContain("nav-clients").doesNotContain("nav-people");
		}
		assertThat(this.people.find("admin").orElseThrow().disabled()).isFalse();
	}

	@Test
	void anAdminCreatesAPersonWhoSignsInAndThenDisablesThem() {
		ConsoleSession session = admin("/console/people");
		String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, String> form = new LinkedHashMap<>();
		form.put("username", name);
		form.put("email", name + "@Example.com");
		form.put("password", PASSWORD);
		form.put("roles", "owner");
		form.put("approver", "finance-lead");
		HttpResponse<String> created = session.post("/console/people", form, true);
		assertThat(created.statusCode()).isEqualTo(302);
		assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/console/people?created=" + name);
		Person person = this.people.find(name).orElseThrow();
		assertThat(person.roles()).containsExactlyInAnyOrder("owner", "approver:finance-lead");
		assertThat(person.email()).isEqualTo(name + "@example.com");
		assertThat(actorOf("person.created", person.actor())).isEqualTo("user:admin");
		ConsoleSession theirs = new ConsoleSession(this.port);
		assertThat(theirs.signIn(name, PASSWORD).headers().firstValue("Location").orElseThrow()).endsWith("/console");
		assertThat(theirs.get("/console").statusCode()).isEqualTo(200);
		assertThat(theirs.get("/admin/v1/agents").statusCode()).as("an owner holds no admin scope").isEqualTo(403);

		assertThat(session.get("/console/people").body()).contains("data-username=\"" + name + "\"");
		HttpResponse<String> disabled = session.post("/console/people/" + name + "/disable",
				Map.of("reason", "left the company"), true);
		assertThat(disabled.statusCode()).isEqualTo(302);
		assertThat(actorOf("person.disabled", person.actor())).isEqualTo("user:admin");
		assertThat(new ConsoleSession(this.port).signIn(name, PASSWORD).headers().firstValue("Location").orElseThrow())
			.endsWith("/console/login?error");
		// the session signed in before is ended at its next request, on the console and
		// on the admin API
		HttpResponse<String> after = theirs.get("/console");
		assertThat(after.statusCode()).isEqualTo(302);
		assertThat(after.headers().firstValue("Location").orElseThrow()).endsWith("/console/login");
		assertThat(theirs.get("/admin/v1/agents").statusCode()).isEqualTo(401);
		session.get("/console/people");
		assertThat(session.post("/console/people/" + name + "/disable", Map.of(), true).statusCode()).isEqualTo(409);
	}

	@Test
	void anAdminCannotDisableThemselvesAndBadInputIsNamed() {
		ConsoleSession session = admin("/console/people");
		HttpResponse<String> self = session.post("/console/people/admin/disable", Map.of(), true);
		assertThat(self.statusCode()).isEqualTo(409);
		assertThat(self.body()).contains("You cannot disable your own account.");
		session.get("/console/people");
		HttpResponse<String> username = session.post("/console/people",
				Map.of("username", "<b>bad</b>", "password", PASSWORD), true);
		assertThat(username.statusCode()).isEqualTo(400);
		assertThat(username.body()).contains("username: must be 1 to 64 of").doesNotContain("<b>bad</b>");
		session.get("/console/people");
		HttpResponse<String> password = session.post("/console/people",
				Map.of("username", "short-password", "password", "short"), true);
		assertThat(password.statusCode()).isEqualTo(400);
		assertThat(password.body()).contains("password: must be 12 to 128 characters");
		session.get("/console/people");
		assertThat(session.post("/console/people/nobody-here/disable", Map.of(), true).statusCode()).isEqualTo(400);
	}

	private ConsoleSession admin(String page) {
		ConsoleSession session = new ConsoleSession(this.port);
		assertThat(session.signIn("admin", ADMIN_PASSWORD).headers().firstValue("Location").orElseThrow())
			.endsWith("/console");
		assertThat(session.get(page).statusCode()).isEqualTo(200);
		return session;
	}

	private String actorOf(String action, String target) {
		return this.jdbc.sql("SELECT actor FROM audit_record WHERE action = ? AND target = ?")
			.params(action, target)
			.query(String.class)
			.single();
	}

	private static String group(Pattern pattern, String body) {
		Matcher matcher = pattern.matcher(body);
		assertThat(matcher.find()).as(pattern.pattern()).isTrue();
		return matcher.group(1);
	}

	private Person person(Set<String> roles) {
		String name = "pg-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

}
