package dev.agentidp.app.console;

import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import dev.agentidp.registry.InvalidInputException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Accounts ({@link People}) on the provider's database: what is accepted, what is refused
 * with the field named, and the audit record of a creation.
 */
class PeopleTests extends ProviderIntegrationTestSupport {

	private static final String PASSWORD = "people-tests-password-0123";

	@Autowired
	private People people;

	@Test
	void createStoresTheAddressInLowerCaseAndIsFoundByEitherName() {
		String name = unique();
		Person person = this.people.create(name, name.toUpperCase() + "@Example.COM", PASSWORD,
				Set.of(Person.OWNER, "approver:finance-lead"), "test");
		assertThat(person.email()).isEqualTo(name + "@example.com");
		assertThat(person.actor()).isEqualTo("user:" + name + "@example.com");
		assertThat(this.people.find(name)).map(Person::id).contains(person.id());
		assertThat(this.people.find(name + "@EXAMPLE.com")).map(Person::id).contains(person.id());
		assertThat(this.people.find(name).orElseThrow().roles()).containsExactlyInAnyOrder("owner",
				"approver:finance-lead");
		assertThat(
				this.jdbc.sql("SELECT details::text FROM audit_record WHERE action = 'person.created' AND target = ?")
					.param(person.actor())
					.query(String.class)
					.single())
			.contains(name)
			.doesNotContain(PASSWORD);
		assertThat(this.jdbc.sql("SELECT password_hash FROM person WHERE id = ?")
			.param(person.id())
			.query(String.class)
			.single()).startsWith("$argon2id$").doesNotContain(PASSWORD);
	}

	@Test
	void createRefusesBadInputNamingTheField() {
		assertRefused(() -> this.people.create("has space", null, PASSWORD, Set.of(), "test"), "username:");
		assertRefused(() -> this.people.create("a@b", null, PASSWORD, Set.of(), "test"), "username:");
		assertRefused(() -> this.people.create(unique(), "not-an-address", PASSWORD, Set.of(), "test"), "email:");
		assertRefused(() -> this.people.create(unique(), "x".repeat(240) + "@example.com", PASSWORD, Set.of(), "test"),
				"email:");
		assertRefused(() -> this.people.create(unique(), null, "short", Set.of(), "test"), "password:");
		assertRefused(() -> this.people.create(unique(), null, "p".repeat(129), Set.of(), "test"), "password:");
		assertRefused(() -> this.people.create(unique(), null, PASSWORD, Set.of("root"), "test"), "roles:");
		assertRefused(() -> this.people.create(unique(), null, PASSWORD, Set.of("approver:"), "test"), "roles:");
	}

	@Test
	void createRefusesATakenUsernameOrAddress() {
		String name = unique();
		this.people.create(name, name + "@example.com", PASSWORD, Set.of(), "test");
		assertRefused(() -> this.people.create(name, null, PASSWORD, Set.of(), "test"), "username: is taken");
		assertRefused(() -> this.people.create(unique(), name + "@EXAMPLE.com", PASSWORD, Set.of(), "test"),
				"email: is taken");
	}

	private static void assertRefused(Runnable create, String message) {
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(create::run).withMessageStartingWith(message);
	}

	private static String unique() {
		return "people-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
