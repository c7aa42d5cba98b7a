package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.HumanOversight;
import dev.agentidp.tokens.PresentedToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 7 on its own (issue 19, item 5): an action in {@code humanOversight.requiredFor}
 * passes only with an approval whose {@code authorization_details} cover it.
 */
class ApprovalRuleTests {

	private static final HumanOversight MERGE = new HumanOversight(List.of("github:merge"), List.of("release-manager"));

	private static final String APPROVAL = "0b6f5f8d-4b0e-4c5e-9a53-6f1c0b7e2a11";

	private final ApprovalRule rule = new ApprovalRule();

	private static AccessAttempt attempt(String target, BigDecimal cost, Map<String, Object> claims) {
		AccessRequest request = new AccessRequest(Attempts.AGENT.toString(), "a.b.c", "merge", ResourceType.TOOL,
				"github", (target != null) ? Map.of("target", target) : Map.of(), cost, Map.of());
		return new AccessAttempt(request,
				new PresentedToken(Attempts.token(Set.of("github:merge"), List.of(Attempts.GITHUB)), claims), true,
				Attempts.AGENT, Attempts.declared(MERGE));
	}

	private static Map<String, Object> approved(Map<String, Object> detail) {
		return Map.of("approval", Map.of("id", APPROVAL, "approver", "lead@example.com"), "authorization_details",
				List.of(detail));
	}

	@Test
	void checkWhenTheTokenCarriesNoApprovalThenApprovalRequired() {
		assertThat(this.rule.check(attempt(null, BigDecimal.ZERO, Map.of())).orElseThrow().reasonAdmin())
			.contains("carries no approval");
		assertThat(ApprovalRule.approvalUsed(attempt(null, BigDecimal.ZERO, Map.of()))).isEmpty();
	}

	@Test
	void checkWhenTheDetailsCoverToolActionTargetAndCostThenPassesAndNamesTheApprovalToCount() {
		Map<String, Object> claims = approved(
				Map.of("type", "tool_call", "tool", "github", "action", "merge", "target", "pr-42", "cost", "10"));
		AccessAttempt covered = attempt("pr-42", new BigDecimal("9.5"), claims);
		assertThat(this.rule.check(covered)).isEmpty();
		assertThat(ApprovalRule.approvalUsed(covered).orElseThrow().toString()).isEqualTo(APPROVAL);
		assertThat(this.rule.check(attempt("pr-43", BigDecimal.ONE, claims)).orElseThrow().code())
			.isEqualTo(DecisionCode.APPROVAL_REQUIRED);
		assertThat(this.rule.check(attempt("pr-42", new BigDecimal("10.01"), claims)).orElseThrow().reasonAdmin())
			.contains("do not cover");
	}

	@Test
	void checkWhenTheDetailsNameAnotherActionOrTypeThenApprovalRequired() {
		assertThat(this.rule
			.check(attempt(null, BigDecimal.ZERO,
					approved(Map.of("type", "tool_call", "tool", "github", "action", "create_pr"))))
			.orElseThrow()
			.code()).isEqualTo(DecisionCode.APPROVAL_REQUIRED);
		assertThat(this.rule
			.check(attempt(null, BigDecimal.ZERO,
					approved(Map.of("type", "payment_initiation", "tool", "github", "action", "merge"))))
			.orElseThrow()
			.code()).isEqualTo(DecisionCode.APPROVAL_REQUIRED);
		// no target and no cost in the approval: any target, any cost
		assertThat(this.rule.check(attempt("pr-1", new BigDecimal("1000"),
				approved(Map.of("type", "tool_call", "tool", "github", "action", "merge")))))
			.isEmpty();
	}

}
