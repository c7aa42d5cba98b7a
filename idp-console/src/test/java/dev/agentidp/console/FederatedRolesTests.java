package dev.agentidp.console;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim-to-role rule of a federated sign-in ({@link FederatedRoles}).
 */
class FederatedRolesTests {

	private final FederatedRoles roles = new FederatedRoles("groups",
			Map.of("idp-auditors", Set.of(Person.AUDITOR), "idp-admins", Set.of(Person.ADMIN, Person.OWNER)));

	@Test
	void ofWhenAListNamesMappedValuesThenTheirRolesTogether() {
		assertThat(this.roles.of(Map.of("groups", List.of("idp-auditors", "idp-admins", "sales"))))
			.containsExactly(Person.ADMIN, Person.AUDITOR, Person.OWNER);
	}

	@Test
	void ofWhenTheClaimIsOneStringThenItsRoles() {
		assertThat(this.roles.of(Map.of("groups", "idp-auditors"))).containsExactly(Person.AUDITOR);
	}

	@Test
	void ofWhenNoValueIsMappedThenNoRole() {
		assertThat(this.roles.of(Map.of("groups", List.of("sales", "IDP-AUDITORS")))).isEmpty();
	}

	@Test
	void ofWhenTheClaimIsMissingOrOfAnotherShapeThenNoRole() {
		assertThat(this.roles.of(Map.of())).isEmpty();
		assertThat(this.roles.of(Map.of("groups", Map.of("idp-admins", true)))).isEmpty();
		assertThat(this.roles.of(Map.of("groups", List.of(42, Map.of())))).isEmpty();
		// another claim naming a mapped value grants nothing
		assertThat(this.roles.of(Map.of("roles", List.of("idp-admins")))).isEmpty();
	}

	@Test
	void federationWhenTheMappingNamesNoRoleThenRefusedAtStart() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsoleProperties.Federation(java.net.URI.create("https://login.example.com"), "c",
					"s", "groups", Map.of("sales", Set.of("superuser"))))
			.withMessageContaining("role-mapping.sales: superuser is not a role");
	}

}
