package dev.agentidp.console;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may see and change which agent in the console ({@link ConsoleAccess}).
 */
class ConsoleAccessTests {

	private static final String OWNER = "owner@example.com";

	@Test
	void maySeeWhenAdminOrAuditorThenEveryAgent() {
		assertThat(ConsoleAccess.maySee(person(null, Person.ADMIN), OWNER)).isTrue();
		assertThat(ConsoleAccess.maySee(person("a@example.com", Person.AUDITOR), OWNER)).isTrue();
	}

	@Test
	void maySeeWhenOwnerThenOnlyTheirOwnAgents() {
		assertThat(ConsoleAccess.maySee(person(OWNER, Person.OWNER), OWNER)).isTrue();
		assertThat(ConsoleAccess.maySee(person("other@example.com", Person.OWNER), OWNER)).isFalse();
	}

	@Test
	void maySeeWhenTheAddressMatchesButNotTheOwnerRoleThenNothing() {
		assertThat(ConsoleAccess.maySee(person(OWNER), OWNER)).isFalse();
		assertThat(ConsoleAccess.maySee(person(OWNER, "approver:security"), OWNER)).isFalse();
	}

	@Test
	void mayChangeWhenAuditorThenNothing() {
		assertThat(ConsoleAccess.mayChange(person(OWNER, Person.AUDITOR), OWNER)).isFalse();
	}

	@Test
	void mayChangeWhenAdminOrOwningOwnerThenYes() {
		assertThat(ConsoleAccess.mayChange(person(null, Person.ADMIN), OWNER)).isTrue();
		assertThat(ConsoleAccess.mayChange(person(OWNER, Person.OWNER), OWNER)).isTrue();
		assertThat(ConsoleAccess.mayChange(person("other@example.com", Person.OWNER), OWNER)).isFalse();
	}

	@Test
	void mayChangeWhenOwnerAndAuditorThenTheirOwnOnly() {
		SignedInPerson both = person(OWNER, Person.OWNER, Person.AUDITOR);
		assertThat(ConsoleAccess.mayChange(both, OWNER)).isTrue();
		assertThat(ConsoleAccess.mayChange(both, "other@example.com")).isFalse();
		assertThat(ConsoleAccess.maySee(both, "other@example.com")).isTrue();
	}

	@Test
	void inventoryOwnerWhenOwnerThenTheirAddressWhateverWasAsked() {
		assertThat(ConsoleAccess.inventoryOwner(person(OWNER, Person.OWNER), "other@example.com")).isEqualTo(OWNER);
		assertThat(ConsoleAccess.inventoryOwner(person(OWNER, Person.OWNER), null)).isEqualTo(OWNER);
	}

	@Test
	void inventoryOwnerWhenOwnerWithoutAddressThenNoAgent() {
		assertThat(ConsoleAccess.inventoryOwner(person(null, Person.OWNER), null)).isEmpty();
	}

	@Test
	void inventoryOwnerWhenAdminThenAsAsked() {
		assertThat(ConsoleAccess.inventoryOwner(person(null, Person.ADMIN), "x@example.com"))
			.isEqualTo("x@example.com");
		assertThat(ConsoleAccess.inventoryOwner(person(null, Person.ADMIN), null)).isNull();
	}

	@Test
	void mayRegisterWhenAdminOrOwnerWithAnAddressThenYes() {
		assertThat(ConsoleAccess.mayRegister(person(null, Person.ADMIN))).isTrue();
		assertThat(ConsoleAccess.mayRegister(person(OWNER, Person.OWNER))).isTrue();
		assertThat(ConsoleAccess.mayRegister(person(null, Person.OWNER))).isFalse();
		assertThat(ConsoleAccess.mayRegister(person(OWNER, Person.AUDITOR))).isFalse();
	}

	@Test
	void registrationOwnerWhenOwnerThenTheirAddressWhateverWasAsked() {
		assertThat(ConsoleAccess.registrationOwner(person(OWNER, Person.OWNER), "other@example.com")).isEqualTo(OWNER);
		assertThat(ConsoleAccess.registrationOwner(person(null, Person.ADMIN), "other@example.com"))
			.isEqualTo("other@example.com");
	}

	@Test
	void mayChangeTokenWhenOwnerThenTheirAgentsTokensOnly() {
		assertThat(ConsoleAccess.mayChangeToken(person(OWNER, Person.OWNER), OWNER)).isTrue();
		assertThat(ConsoleAccess.mayChangeToken(person(OWNER, Person.OWNER), "other@example.com")).isFalse();
		assertThat(ConsoleAccess.mayChangeToken(person(OWNER, Person.OWNER), null)).isFalse();
		assertThat(ConsoleAccess.mayChangeToken(person(null, Person.ADMIN), null)).isTrue();
		assertThat(ConsoleAccess.mayChangeToken(person(OWNER, Person.AUDITOR), OWNER)).isFalse();
	}

	@Test
	void maySeeTokenWhenAuditorThenEveryTokenAndWhenOwnerTheirAgentsOnly() {
		assertThat(ConsoleAccess.maySeeToken(person(OWNER, Person.AUDITOR), null)).isTrue();
		assertThat(ConsoleAccess.maySeeToken(person(OWNER, Person.OWNER), OWNER)).isTrue();
		assertThat(ConsoleAccess.maySeeToken(person(OWNER, Person.OWNER), null)).isFalse();
		assertThat(ConsoleAccess.maySeeToken(person(OWNER, Person.OWNER), "other@example.com")).isFalse();
	}

	@Test
	void approverWhenAnApproverRoleAndAnAddressThenTheirRolesElseNone() {
		assertThat(ConsoleAccess.approver(person(OWNER, "approver:finance-lead")).roles())
			.containsExactly("approver:finance-lead");
		assertThat(ConsoleAccess.approver(person(OWNER, "approver:finance-lead")).email()).isEqualTo(OWNER);
		// an admin decides nothing by being an admin
		assertThat(ConsoleAccess.approver(person(OWNER, Person.ADMIN, Person.OWNER))).isNull();
		// a decision's actor is user:<email>: without an address, no decision
		assertThat(ConsoleAccess.approver(person(null, "approver:finance-lead"))).isNull();
	}

	private static SignedInPerson person(String email, String... roles) {
		return new SignedInPerson("someone", email, Set.of(roles), "user:" + email);
	}

}
