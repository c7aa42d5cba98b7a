package dev.agentidp.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.util.Assert;

/**
 * The rules of the policy decision point, in the order the issue numbers them (deny by
 * default: a call is allowed only when every rule passes; the first that fails names the
 * code):
 * <ol>
 * <li>{@link TokenActiveRule} ({@code token_inactive}, {@code subject_mismatch}), then
 * {@link ProofRule} ({@code proof_invalid}: a DPoP-bound token needs a proof of its
 * key);</li>
 * <li>{@link DeclaredRule} ({@code not_declared});</li>
 * <li>{@link ScopeRule} ({@code scope_missing});</li>
 * <li>{@link AudienceRule} ({@code audience_mismatch});</li>
 * <li>{@link ConditionRule} ({@code condition_false});</li>
 * <li>{@link BudgetRule} ({@code budget_exhausted}, {@code budget_reserved});</li>
 * <li>{@link ApprovalRule} ({@code approval_required});</li>
 * <li>{@link AnomalyRule} ({@code anomaly}).</li>
 * </ol>
 */
final class AccessRules {

	private final List<AccessRule> rules;

	/**
	 * @param rules the rules, in order
	 */
	AccessRules(List<AccessRule> rules) {
		Assert.notEmpty(rules, "rules cannot be empty");
		this.rules = List.copyOf(rules);
	}

	/**
	 * The standard rules.
	 * @param conditions the condition rule
	 * @param budget the budget rule
	 * @param signals the anomaly signals
	 * @return the rules
	 */
	static AccessRules standard(ConditionRule conditions, BudgetRule budget, List<AnomalySignal> signals) {
		return new AccessRules(List.of(new TokenActiveRule(), new ProofRule(), new DeclaredRule(), new ScopeRule(),
				new AudienceRule(), conditions, budget, new ApprovalRule(), new AnomalyRule(signals)));
	}

	/**
	 * The first rule that fails.
	 * @param attempt the attempt
	 * @return its denial, or empty when every rule passes
	 */
	Optional<Denial> firstDenial(AccessAttempt attempt) {
		for (AccessRule rule : this.rules) {
			Optional<Denial> denial = rule.check(attempt);
			if (denial.isPresent()) {
				return denial;
			}
		}
		return Optional.empty();
	}

}
