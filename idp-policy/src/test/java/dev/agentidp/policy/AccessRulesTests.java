package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.registry.HumanOversight;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.tokens.PresentedToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule on its own, and their order (the first failing rule names the code), without
 * a Spring context or a database.
 */
class AccessRulesTests {

	private static final BudgetPolicy BUDGET = new BudgetPolicy("usd", new BigDecimal("50"), new BigDecimal("0.9"),
			BigDecimal.ONE);

	private final AccessRules rules = new AccessRules(List.of(new TokenActiveRule(), new ProofRule(),
			new DeclaredRule(), new ScopeRule(), new AudienceRule(), new ApprovalRule(), new AnomalyRule(List.of())));

	@Test
	void evaluateWhenEveryRulePassesThenAllowed() {
		assertThat(this.rules.firstDenial(Attempts.attempt(Attempts.tool("create_pr")))).isEmpty();
		assertThat(this.rules.firstDenial(Attempts.attempt(Attempts.data("crm.customers", "read")))).isEmpty();
	}

	@Test
	void evaluateWhenTheTokenIsUnknownThenDenyTokenInactive() {
		AccessAttempt attempt = new AccessAttempt(Attempts.tool("create_pr"), null, false, null, null);
		assertThat(code(attempt)).isEqualTo(DecisionCode.TOKEN_INACTIVE);
	}

	@Test
	void evaluateWhenTheTokenIsNotActiveThenDenyTokenInactive() {
		AccessAttempt attempt = new AccessAttempt(Attempts.tool("create_pr"),
				new PresentedToken(Attempts.token(Set.of("github:create_pr"), List.of(Attempts.GITHUB)), Map.of()),
				false, null, null);
		assertThat(code(attempt)).isEqualTo(DecisionCode.TOKEN_INACTIVE);
		assertThat(new TokenActiveRule().check(attempt).orElseThrow().reasonAdmin()).contains("jti-1");
	}

	@Test
	void evaluateWhenTheSubjectIsNotTheActingAgentThenDenySubjectMismatch() {
		AccessRequest request = new AccessRequest(UUID.randomUUID().toString(), "a.b.c", "create_pr", ResourceType.TOOL,
				"github", Map.of(), BigDecimal.ZERO, Map.of());
		assertThat(code(Attempts.attempt(request))).isEqualTo(DecisionCode.SUBJECT_MISMATCH);
	}

	@Test
	void evaluateWhenTheTokenIsDpopBoundAndNoProofVerifiedThenDenyProofInvalid() {
		AccessAttempt unproven = Attempts.bound(Attempts.tool("create_pr"), "jkt-1", null, null);
		Optional<Denial> denial = this.rules.firstDenial(unproven);
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.PROOF_INVALID);
		assertThat(denial.get().reasonAdmin()).contains("jti-1").contains("no verified subject.properties.dpop_proof");
	}

	@Test
	void evaluateWhenTheProofWasRefusedThenDenyProofInvalidWithItsReason() {
		AccessAttempt refused = Attempts.bound(Attempts.tool("create_pr"), "jkt-1", null,
				"The DPoP proof's ath does not match the access token");
		Optional<Denial> denial = this.rules.firstDenial(refused);
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.PROOF_INVALID);
		assertThat(denial.get().reasonAdmin()).contains("ath does not match");
		assertThat(denial.get().reasonUser()).contains("ath does not match");
	}

	@Test
	void evaluateWhenTheProofIsByAnotherKeyThanCnfJktThenDenyProofInvalid() {
		AccessAttempt other = Attempts.bound(Attempts.tool("create_pr"), "jkt-1", "jkt-2", null);
		Optional<Denial> denial = this.rules.firstDenial(other);
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.PROOF_INVALID);
		assertThat(denial.get().reasonAdmin()).contains("jkt-2").contains("cnf.jkt jkt-1");
	}

	@Test
	void evaluateWhenTheProofIsByTheBoundKeyThenTheRulePasses() {
		assertThat(this.rules.firstDenial(Attempts.bound(Attempts.tool("create_pr"), "jkt-1", "jkt-1", null)))
			.isEmpty();
		// a bearer token needs no proof
		assertThat(new ProofRule().check(Attempts.attempt(Attempts.tool("create_pr")))).isEmpty();
	}

	@Test
	void evaluateWhenTheTokenIsInactiveAndUnprovenThenTokenInactiveComesFirst() {
		AccessAttempt attempt = new AccessAttempt(Attempts.tool("create_pr"),
				new PresentedToken(Attempts.token(Set.of("github:create_pr"), List.of(Attempts.GITHUB), "jkt-1"),
						Map.of()),
				false, null, null);
		assertThat(code(attempt)).isEqualTo(DecisionCode.TOKEN_INACTIVE);
		// a proof problem comes before any declaration, scope or audience rule
		AccessAttempt undeclared = Attempts.bound(Attempts.tool("delete_repo"), "jkt-1", null, null);
		assertThat(code(undeclared)).isEqualTo(DecisionCode.PROOF_INVALID);
	}

	@Test
	void evaluateWhenTheToolOrActionIsNotDeclaredThenDenyNotDeclared() {
		assertThat(code(Attempts.attempt(Attempts.tool("delete_repo")))).isEqualTo(DecisionCode.NOT_DECLARED);
		AccessRequest jira = new AccessRequest(Attempts.AGENT.toString(), "a.b.c", "create_pr", ResourceType.TOOL,
				"jira", Map.of(), BigDecimal.ZERO, Map.of());
		Optional<Denial> denial = this.rules.firstDenial(Attempts.attempt(jira));
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.NOT_DECLARED);
		assertThat(denial.get().reasonAdmin()).contains("tool jira is not declared");
		// the data resource is declared for read only
		assertThat(code(Attempts.attempt(Attempts.data("crm.customers", "write"))))
			.isEqualTo(DecisionCode.NOT_DECLARED);
		// a tool id is not a data resource
		assertThat(code(Attempts.attempt(Attempts.data("github", "read")))).isEqualTo(DecisionCode.NOT_DECLARED);
	}

	@Test
	void evaluateWhenScopeMissingThenDenyScopeMissing() {
		AccessAttempt attempt = Attempts.attempt(Attempts.tool("merge"), Set.of("github:create_pr"),
				List.of(Attempts.GITHUB), HumanOversight.NONE);
		Optional<Denial> denial = this.rules.firstDenial(attempt);
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.SCOPE_MISSING);
		assertThat(denial.get().reasonAdmin()).contains("github:merge");
		AccessAttempt data = Attempts.attempt(Attempts.data("crm.customers", "read"), Set.of("github:create_pr"),
				List.of(Attempts.GITHUB), HumanOversight.NONE);
		assertThat(code(data)).isEqualTo(DecisionCode.SCOPE_MISSING);
	}

	@Test
	void evaluateWhenTheAudienceLacksTheToolsServerThenDenyAudienceMismatch() {
		AccessAttempt attempt = Attempts.attempt(Attempts.tool("create_pr"), Set.of("github:create_pr"),
				List.of("https://api.example.com"), HumanOversight.NONE);
		assertThat(code(attempt)).isEqualTo(DecisionCode.AUDIENCE_MISMATCH);
		// a trailing slash is not a different server
		AccessAttempt slash = Attempts.attempt(Attempts.tool("create_pr"), Set.of("github:create_pr"),
				List.of(Attempts.GITHUB + "/"), HumanOversight.NONE);
		assertThat(this.rules.firstDenial(slash)).isEmpty();
		// data resources name no audience
		AccessAttempt data = Attempts.attempt(Attempts.data("crm.customers", "read"), Set.of("crm.customers:read"),
				List.of("https://api.example.com"), HumanOversight.NONE);
		assertThat(this.rules.firstDenial(data)).isEmpty();
	}

	@Test
	void evaluateWhenTheActionNeedsApprovalThenDenyApprovalRequired() {
		AccessAttempt attempt = Attempts.attempt(Attempts.tool("merge"), Set.of("github:merge"),
				List.of(Attempts.GITHUB), new HumanOversight(List.of("github:merge"), List.of("release-manager")));
		Optional<Denial> denial = this.rules.firstDenial(attempt);
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.APPROVAL_REQUIRED);
		assertThat(denial.get().reasonUser()).contains("release-manager");
		AccessAttempt other = Attempts.attempt(Attempts.tool("create_pr"), Set.of("github:create_pr"),
				List.of(Attempts.GITHUB), new HumanOversight(List.of("github:merge"), List.of()));
		assertThat(this.rules.firstDenial(other)).isEmpty();
	}

	@Test
	void evaluateWhenAnAnomalySignalFiresThenDenyAnomaly() {
		AccessRules withSignal = new AccessRules(List.of(new TokenActiveRule(), new AnomalyRule(
				List.of((attempt) -> Optional.empty(), (attempt) -> Optional.of("1,000 calls in a second")))));
		Optional<Denial> denial = withSignal.firstDenial(Attempts.attempt(Attempts.tool("create_pr")));
		assertThat(denial.orElseThrow().code()).isEqualTo(DecisionCode.ANOMALY);
		assertThat(denial.get().reasonAdmin()).isEqualTo("1,000 calls in a second");
	}

	@Test
	void evaluateWhenSeveralRulesFailThenTheFirstNamesTheCode() {
		// undeclared, no scope and the wrong audience: not_declared comes first
		AccessAttempt attempt = Attempts.attempt(Attempts.tool("delete_repo"), Set.of(), List.of(),
				HumanOversight.NONE);
		assertThat(code(attempt)).isEqualTo(DecisionCode.NOT_DECLARED);
		// no scope and the wrong audience: scope_missing before audience_mismatch
		AccessAttempt scopeless = Attempts.attempt(Attempts.tool("create_pr"), Set.of(), List.of(),
				HumanOversight.NONE);
		assertThat(code(scopeless)).isEqualTo(DecisionCode.SCOPE_MISSING);
	}

	@Test
	void budgetWhenTheCostIsAboveWhatRemainsThenDenyBudgetExhausted() {
		assertThat(BudgetRule.check(BUDGET, new BigDecimal("49.99"), new BigDecimal("0.02"), RiskLevel.LOW)
			.orElseThrow()
			.code()).isEqualTo(DecisionCode.BUDGET_EXHAUSTED);
		assertThat(BudgetRule.check(BUDGET, new BigDecimal("49.98"), new BigDecimal("0.02"), RiskLevel.LOW)).isEmpty();
	}

	@Test
	void budgetWhenTheReserveIsReachedThenExpensiveOrRiskyCallsAreDeniedBudgetReserved() {
		BigDecimal reached = new BigDecimal("45");
		assertThat(BudgetRule.check(BUDGET, reached, new BigDecimal("1.0"), RiskLevel.LOW).orElseThrow().code())
			.isEqualTo(DecisionCode.BUDGET_RESERVED);
		assertThat(BudgetRule.check(BUDGET, reached, new BigDecimal("0.10"), RiskLevel.HIGH).orElseThrow().code())
			.isEqualTo(DecisionCode.BUDGET_RESERVED);
		assertThat(BudgetRule.check(BUDGET, reached, BigDecimal.ZERO, RiskLevel.CRITICAL).orElseThrow().code())
			.isEqualTo(DecisionCode.BUDGET_RESERVED);
		// cheap calls on low and medium capabilities still run
		assertThat(BudgetRule.check(BUDGET, reached, new BigDecimal("0.99"), RiskLevel.MEDIUM)).isEmpty();
		// below the threshold, expensive calls run
		assertThat(BudgetRule.check(BUDGET, new BigDecimal("44.99"), new BigDecimal("2"), RiskLevel.CRITICAL))
			.isEmpty();
	}

	private DecisionCode code(AccessAttempt attempt) {
		return this.rules.firstDenial(attempt).map(Denial::code).orElse(DecisionCode.ALLOWED);
	}

}
