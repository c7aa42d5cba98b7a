package dev.agentidp.tokens;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.TokenPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each issuance limit of {@link ClientCredentialsPolicy}, alone, without Spring or a
 * database.
 */
class ClientCredentialsPolicyTests {

	private static final String ISSUER = "https://idp.example.com";

	private static final String CRM = "https://crm.example.com/mcp";

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private final ClientCredentialsPolicy policy = new ClientCredentialsPolicy("");

	private static ClientCredentialsPolicy.Requester root(String... capabilities) {
		return new ClientCredentialsPolicy.Requester(false, Set.of(capabilities), new TokenPolicy(900, 3600, 3),
				Set.of(CRM));
	}

	private static void assertError(Runnable decision, String code, String description) {
		assertThatExceptionOfType(OAuth2AuthenticationException.class).isThrownBy(decision::run)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(code))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).contains(description));
	}

	@Test
	void decideWhenWithinTheRulesThenGrantsWhatWasAsked() {
		ClientCredentialsPolicy.Issuance issuance = this.policy.decide(root("crm:read", "crm:write"),
				Set.of("crm:read"), Map.of("resource", CRM, "task", "t-1", "ttl", "60"), ISSUER, NOW);
		assertThat(issuance.scopes()).containsExactly("crm:read");
		assertThat(issuance.audience()).containsExactly(CRM);
		assertThat(issuance.task()).isEqualTo("t-1");
		assertThat(issuance.expiresAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void decideWhenDerivedSubAgentThenUnauthorizedClient() {
		ClientCredentialsPolicy.Requester derived = new ClientCredentialsPolicy.Requester(true, Set.of("crm:read"),
				TokenPolicy.DEFAULT, Set.of());
		assertError(() -> this.policy.decide(derived, Set.of("crm:read"), Map.of(), ISSUER, NOW), "unauthorized_client",
				"token exchange only");
	}

	@Test
	void decideWhenScopeMissingThenInvalidScope() {
		assertError(() -> this.policy.decide(root("crm:read"), Set.of(), Map.of(), ISSUER, NOW), "invalid_scope",
				"scope is required");
	}

	@Test
	void decideWhenScopeNeedsApprovalThenInvalidScopeNamingTheBackchannelEndpoint() {
		ClientCredentialsPolicy.Requester overseen = new ClientCredentialsPolicy.Requester(false,
				Set.of("crm:read", "payments:refund"), TokenPolicy.DEFAULT, Set.of(), Set.of("payments:refund"));
		assertError(() -> this.policy.decide(overseen, Set.of("crm:read", "payments:refund"), Map.of(), ISSUER, NOW),
				"invalid_scope", "payments:refund; ask for it through the backchannel authentication endpoint"
						+ " /oauth2/bc-authorize");
		// a scope not listed is unaffected
		assertThat(this.policy.decide(overseen, Set.of("crm:read"), Map.of(), ISSUER, NOW).scopes())
			.containsExactly("crm:read");
	}

	@Test
	void decideWhenScopeOutsideCapabilitiesThenInvalidScopeNamingIt() {
		assertError(() -> this.policy.decide(root("crm:read"), Set.of("crm:read", "crm:delete"), Map.of(), ISSUER, NOW),
				"invalid_scope", "Scope outside the agent's capabilities: crm:delete");
	}

	@Test
	void decideWhenResourceNotAnAbsoluteUriThenInvalidTarget() {
		assertError(
				() -> this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of("resource", "crm"), ISSUER, NOW),
				"invalid_target", "absolute URI");
	}

	@Test
	void decideWhenResourceNotDeclaredByTheAgentThenInvalidTarget() {
		assertError(
				() -> this.policy.decide(root("crm:read"), Set.of("crm:read"),
						Map.of("resource", "https://other.example.com/mcp"), ISSUER, NOW),
				"invalid_target", "is not declared by the agent");
	}

	@Test
	void decideWhenNoResourceThenTheDefaultAudience() {
		ClientCredentialsPolicy configured = new ClientCredentialsPolicy("https://api.example.com");
		assertThat(configured.decide(root("crm:read"), Set.of("crm:read"), Map.of(), ISSUER, NOW).audience())
			.containsExactly("https://api.example.com");
	}

	@Test
	void decideWhenNoResourceAndNoDefaultAudienceThenTheIssuer() {
		assertThat(this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of(), ISSUER, NOW).audience())
			.containsExactly(ISSUER);
	}

	@Test
	void decideWhenTaskMalformedThenInvalidRequest() {
		assertError(() -> this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of("task", "a b"), ISSUER, NOW),
				"invalid_request", "task must be");
	}

	@Test
	void decideWhenTtlMalformedThenInvalidRequest() {
		assertError(() -> this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of("ttl", "-5"), ISSUER, NOW),
				"invalid_request", "ttl must be");
	}

	@Test
	void decideWhenTtlOmittedThenTheAgentsDefault() {
		assertThat(this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of(), ISSUER, NOW).expiresAt())
			.isEqualTo(NOW.plusSeconds(900));
	}

	@Test
	void decideWhenTtlAboveTheAgentsMaximumThenCappedAtIt() {
		assertThat(this.policy.decide(root("crm:read"), Set.of("crm:read"), Map.of("ttl", "86400"), ISSUER, NOW)
			.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
	}

	@Test
	void decideForClientWhenScopesRegisteredThenGrantsThemForFifteenMinutesToTheIssuer() {
		ClientCredentialsPolicy.Issuance issuance = this.policy.decideForClient(Set.of("idp:admin", "idp:audit:read"),
				Set.of("idp:audit:read"), ISSUER, NOW);
		assertThat(issuance.scopes()).containsExactly("idp:audit:read");
		assertThat(issuance.audience()).containsExactly(ISSUER);
		assertThat(issuance.task()).isNull();
		assertThat(issuance.expiresAt()).isEqualTo(NOW.plus(RegistryClients.CLIENT_TOKEN_TTL));
	}

	@Test
	void decideForClientWhenNoScopeAskedThenNoneGranted() {
		assertThat(this.policy.decideForClient(Set.of("idp:admin"), Set.of(), ISSUER, NOW).scopes()).isEmpty();
	}

	@Test
	void decideForClientWhenScopeNotRegisteredThenInvalidScopeNamingIt() {
		assertError(() -> this.policy.decideForClient(Set.of("idp:audit:read"), Set.of("idp:audit:read", "idp:admin"),
				ISSUER, NOW), "invalid_scope", "Scope outside the client's registration: idp:admin");
	}

	@Test
	void decideForClientWhenDefaultAudienceConfiguredThenIt() {
		assertThat(new ClientCredentialsPolicy(CRM).decideForClient(Set.of(), Set.of(), ISSUER, NOW).audience())
			.containsExactly(CRM);
	}

}
