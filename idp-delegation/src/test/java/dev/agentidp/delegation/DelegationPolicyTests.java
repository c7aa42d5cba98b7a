package dev.agentidp.delegation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.TokenPolicy;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.TokenRecord;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each narrowing limit of {@link DelegationPolicy}, alone, without Spring or a database.
 */
class DelegationPolicyTests {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private static final String CRM = "https://crm.example.com/mcp";

	private static final String MAIL = "https://mail.example.com/mcp";

	private static final TokenPolicy POLICY = new TokenPolicy(900, 3600, 3);

	private final DelegationPolicy policy = new DelegationPolicy();

	/** A subject token at a depth, for crm:read and crm:write on CRM and MAIL. */
	private static TokenRecord subject(int depth, Instant expiresAt) {
		return new TokenRecord(Jti.of("jti-1"),
				new TokenRecord.Holder(AgentId.random(), "root", "parent", "owner@example.com"),
				Set.of("crm:read", "crm:write"), List.of(CRM, MAIL), "task-1",
				new TokenRecord.Family(null, Jti.of("jti-0"), depth, null),
				new TokenRecord.Lifetime(NOW.minusSeconds(60), expiresAt, null), null, "kid-1");
	}

	private static TokenRecord subject() {
		return subject(0, NOW.plusSeconds(3600));
	}

	private static ExchangeRequest request(Set<String> scopes, List<String> resources, Duration ttl) {
		return new ExchangeRequest("token", "child", scopes, resources, null, null, ttl);
	}

	private static void assertError(Runnable decision, String code, String description) {
		assertThatExceptionOfType(OAuth2AuthenticationException.class).isThrownBy(decision::run)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(code))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).contains(description));
	}

	@Test
	void narrowDetailsWhenWiderThanTheApprovedThenInvalidAuthorizationDetails() {
		dev.agentidp.approvals.AuthorizationDetail approved = new dev.agentidp.approvals.AuthorizationDetail("payments",
				"refund", "order-1", new java.math.BigDecimal("100"), null);
		Set<String> granted = Set.of("payments:refund");
		// none asked: the subject token's, as far as the granted scopes cover them
		assertThat(this.policy.narrowDetails(List.of(approved), null, granted)).containsExactly(approved);
		assertThat(this.policy.narrowDetails(List.of(approved), null, Set.of("crm:read"))).isEmpty();
		// within: the same target, a lower cost
		dev.agentidp.approvals.AuthorizationDetail lower = new dev.agentidp.approvals.AuthorizationDetail("payments",
				"refund", "order-1", new java.math.BigDecimal("50"), null);
		assertThat(this.policy.narrowDetails(List.of(approved), List.of(lower), granted)).containsExactly(lower);
		// wider: any target, no cost limit, a higher cost
		for (dev.agentidp.approvals.AuthorizationDetail wider : List.of(
				new dev.agentidp.approvals.AuthorizationDetail("payments", "refund", null,
						new java.math.BigDecimal("50"), null),
				new dev.agentidp.approvals.AuthorizationDetail("payments", "refund", "order-1", null, null),
				new dev.agentidp.approvals.AuthorizationDetail("payments", "refund", "order-1",
						new java.math.BigDecimal("101"), null))) {
			assertError(() -> this.policy.narrowDetails(List.of(approved), List.of(wider), granted),
					"invalid_authorization_details", "wider than the subject token's");
		}
	}

	@Test
	void checkOversightWhenScopeNeedsApprovalAndSubjectTokenCarriesNoneThenInvalidScope() {
		assertError(
				() -> this.policy.checkOversight(Set.of("crm:read", "payments:refund"), List.of("payments:refund"),
						false),
				"invalid_scope", "payments:refund; ask for it through the backchannel authentication endpoint");
		// from an approved token it passes on (narrowing still applies); other scopes
		// are unaffected
		this.policy.checkOversight(Set.of("payments:refund"), List.of("payments:refund"), true);
		this.policy.checkOversight(Set.of("crm:read"), List.of("payments:refund"), false);
	}

	@Test
	void decideWhenWithinTheSubjectTokenThenNarrowsToTheRequest() {
		DelegationPolicy.Narrowing narrowing = this.policy.decide(subject(),
				request(Set.of("crm:read"), List.of(CRM), Duration.ofSeconds(60)), POLICY, POLICY, NOW);
		assertThat(narrowing.scopes()).containsExactly("crm:read");
		assertThat(narrowing.audience()).containsExactly(CRM);
		assertThat(narrowing.depth()).isEqualTo(1);
		assertThat(narrowing.expiresAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void decideWhenScopeWiderThanSubjectTokenThenInvalidScope() {
		assertError(() -> this.policy.decide(subject(), request(Set.of("crm:read", "crm:delete"), List.of(), null),
				POLICY, POLICY, NOW), "invalid_scope", "Scope wider than the subject token's: crm:delete");
	}

	@Test
	void decideWhenResourceOutsideSubjectTokensAudienceThenInvalidTarget() {
		assertError(() -> this.policy.decide(subject(),
				request(Set.of("crm:read"), List.of(CRM, "https://other.example.com/mcp"), null), POLICY, POLICY, NOW),
				"invalid_target", "within the subject token's audience");
	}

	@Test
	void decideWhenNoResourceThenTheSubjectTokensAudience() {
		assertThat(this.policy.decide(subject(), request(Set.of("crm:read"), List.of(), null), POLICY, POLICY, NOW)
			.audience()).containsExactly(CRM, MAIL);
	}

	@Test
	void decideWhenDepthAboveRootsMaxDelegationDepthThenInvalidRequest() {
		assertError(
				() -> this.policy.decide(subject(3, NOW.plusSeconds(3600)),
						request(Set.of("crm:read"), List.of(), null), POLICY, POLICY, NOW),
				"invalid_request", "Delegation depth 4 exceeds the limit of 3");
	}

	@Test
	void decideWhenDepthAtRootsMaxDelegationDepthThenGranted() {
		assertThat(this.policy
			.decide(subject(2, NOW.plusSeconds(3600)), request(Set.of("crm:read"), List.of(), null), POLICY, POLICY,
					NOW)
			.depth()).isEqualTo(3);
	}

	@Test
	void decideWhenParentAllowsDeeperThanRootThenTheRootsLimitApplies() {
		TokenPolicy shallowRoot = new TokenPolicy(900, 3600, 1);
		TokenPolicy deepParent = new TokenPolicy(900, 3600, 16);
		assertError(
				() -> this.policy.decide(subject(1, NOW.plusSeconds(3600)),
						request(Set.of("crm:read"), List.of(), null), deepParent, shallowRoot, NOW),
				"invalid_request", "Delegation depth 2 exceeds the limit of 1");
	}

	@Test
	void decideWhenTtlOmittedThenTheParentsDefault() {
		assertThat(this.policy.decide(subject(), request(Set.of("crm:read"), List.of(), null), POLICY, POLICY, NOW)
			.expiresAt()).isEqualTo(NOW.plusSeconds(900));
	}

	@Test
	void decideWhenTtlAboveTheParentsMaximumThenCappedAtIt() {
		TokenPolicy longSubject = new TokenPolicy(900, 1800, 3);
		assertThat(this.policy
			.decide(subject(0, NOW.plusSeconds(7200)), request(Set.of("crm:read"), List.of(), Duration.ofHours(2)),
					longSubject, POLICY, NOW)
			.expiresAt()).isEqualTo(NOW.plusSeconds(1800));
	}

	@Test
	void decideWhenTtlBeyondTheSubjectTokensExpiryThenCappedAtIt() {
		assertThat(this.policy
			.decide(subject(0, NOW.plusSeconds(120)), request(Set.of("crm:read"), List.of(), Duration.ofSeconds(600)),
					POLICY, POLICY, NOW)
			.expiresAt()).isEqualTo(NOW.plusSeconds(120));
	}

	@Test
	void decideWhenSubjectTokenExpiresNowThenInvalidGrant() {
		assertError(() -> this.policy.decide(subject(0, NOW), request(Set.of("crm:read"), List.of(), null), POLICY,
				POLICY, NOW), "invalid_grant", "expires now");
	}

}
