package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.GroupedWork;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.RecordedOutcome;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.tokens.TokenRecord;

import org.springframework.util.Assert;

/**
 * How an attempt is decided and recorded: the first denial of {@link AccessRules}, then,
 * in one transaction (shared with concurrent decisions:
 * {@link AuditTrail#appendGrouped}), the cost of an allowed decision debited from its
 * task's budget and from every sub-budget the token spends from ({@link BudgetLedger}; a
 * budget spent concurrently since the rule looked denies after all) and the decision
 * appended to the acting agent's audit chain as {@value PolicyDecisionPoint#EVALUATED}.
 * Used by {@link PolicyDecisionPoint}.
 */
final class DecisionRecorder {

	private final AccessRules rules;

	private final BudgetSource budgets;

	private final BudgetLedger ledger;

	private final AuditTrail audit;

	private final ApprovalUses approvals;

	private final List<DecisionObserver> observers;

	DecisionRecorder(AccessRules rules, BudgetSource budgets, BudgetLedger ledger, AuditTrail audit) {
		this(rules, budgets, ledger, audit, ApprovalUses.NONE, List.of());
	}

	DecisionRecorder(AccessRules rules, BudgetSource budgets, BudgetLedger ledger, AuditTrail audit,
			ApprovalUses approvals, List<DecisionObserver> observers) {
		Assert.notNull(rules, "rules cannot be null");
		Assert.notNull(budgets, "budgets cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		this.rules = rules;
		this.budgets = budgets;
		this.ledger = ledger;
		this.audit = audit;
		this.approvals = approvals;
		this.observers = List.copyOf(observers);
	}

	/**
	 * Decides an attempt, debits its cost when allowed, and records it.
	 * @param caller the client asking
	 * @param attempt the attempt
	 * @return the decision
	 */
	AccessDecision decide(String caller, AccessAttempt attempt) {
		AccessDecision decision = this.audit.appendGrouped(decision(caller, attempt));
		observe(attempt, decision);
		return decision;
	}

	/**
	 * Decides attempts that do not depend on each other's outcome (a batch executed
	 * whole), debits their costs when allowed and records them, in one group commit as
	 * far as it goes ({@link AuditTrail#appendGroupedAll}); each debit is made, and
	 * re-checked against the ledger, in order.
	 * @param caller the client asking
	 * @param attempts the attempts
	 * @return the decisions, in order
	 */
	List<AccessDecision> decideAll(String caller, List<AccessAttempt> attempts) {
		List<GroupedWork<AccessDecision>> works = new ArrayList<>(attempts.size());
		for (AccessAttempt attempt : attempts) {
			works.add(decision(caller, attempt));
		}
		List<AccessDecision> decisions = this.audit.appendGroupedAll(works);
		for (int i = 0; i < decisions.size(); i++) {
			observe(attempts.get(i), decisions.get(i));
		}
		return decisions;
	}

	/**
	 * Tells the {@link DecisionObserver}s of a committed decision (issue 20): counted in
	 * memory by them, so the decision path pays no database round trip for it.
	 */
	private void observe(AccessAttempt attempt, AccessDecision decision) {
		for (DecisionObserver observer : this.observers) {
			observer.decided(attempt, decision);
		}
	}

	/**
	 * The rules' verdict now, and the work that makes it final in the group's
	 * transaction: the debit of an allowed cost (a budget spent concurrently since the
	 * rule looked denies after all) and the record. A debit locks its main ledger's row
	 * first ({@link BudgetLedger#debit}), so a group runs its debits sorted by main
	 * ledger.
	 * <p>
	 * An allowed call under a human's approval ({@link ApprovalRule}) counts one use of
	 * the approval in the same work (issue 19, item 5): a conditional {@code UPDATE} of
	 * its {@code approval_request} row, made before the debit so that a used-up approval
	 * debits nothing, and given back if the debit then denies. The approval's row belongs
	 * to one token family, so to one main ledger (approved tokens carry no task: their
	 * ledger is their root token's): the unit takes that ledger's key as its lock order,
	 * and the approval's row is always locked just before its ledger's, in every group.
	 */
	private GroupedWork<AccessDecision> decision(String caller, AccessAttempt attempt) {
		Optional<Denial> denial = this.rules.firstDenial(attempt);
		boolean tokenPassed = denial.isEmpty() || (denial.get().code() != DecisionCode.TOKEN_INACTIVE
				&& denial.get().code() != DecisionCode.SUBJECT_MISMATCH
				&& denial.get().code() != DecisionCode.PROOF_INVALID);
		Optional<BudgetPolicy> policy = tokenPassed ? this.budgets.budget(attempt) : Optional.empty();
		String id = UUID.randomUUID().toString();
		boolean debits = policy.isPresent() && denial.isEmpty() && attempt.request().cost().signum() > 0;
		Optional<ApprovalId> approval = denial.isEmpty() ? ApprovalRule.approvalUsed(attempt) : Optional.empty();
		String lockOrder = "";
		if (debits || approval.isPresent()) {
			BudgetKey key = BudgetKey.of(attempt.token().record());
			lockOrder = key.rootAgentId().value() + " " + key.key();
		}
		return new GroupedWork<>(lockOrder, () -> {
			Denial refused = denial.orElse(null);
			boolean used = false;
			if (approval.isPresent()) {
				used = this.approvals.use(approval.get());
				if (!used) {
					refused = ApprovalRule.usedUp(attempt, approval.get());
				}
			}
			BudgetState state = null;
			if (policy.isPresent()) {
				TokenRecord token = attempt.token().record();
				BigDecimal cost = attempt.request().cost();
				if (refused == null && cost.signum() > 0) {
					RiskLevel risk = BudgetRule.risk(attempt);
					Optional<BudgetState> debited = this.ledger.debit(token, policy.get(), cost,
							BudgetRule.reserveApplies(policy.get(), cost, risk));
					if (debited.isPresent()) {
						state = debited.get();
					}
					else {
						// spent concurrently since the rule looked: the same two
						// conditions
						TokenBudget budgets = this.ledger.state(token, policy.get());
						state = budgets.tightest();
						refused = BudgetRule.check(policy.get(), budgets, cost, risk)
							.orElseGet(() -> new Denial(DecisionCode.BUDGET_EXHAUSTED,
									"the task's budget was spent concurrently",
									"The task's budget does not cover this call"));
					}
				}
				else {
					state = this.ledger.state(token, policy.get()).tightest();
				}
			}
			if (used && refused != null) {
				// the budget denied after all: the approval stays unused
				this.approvals.release(approval.get());
				used = false;
			}
			AccessDecision decision = (refused == null)
					? new AccessDecision(true, id, DecisionCode.ALLOWED, null, null, state)
					: new AccessDecision(false, id, refused.code(), refused.reasonAdmin(), refused.reasonUser(), state);
			return new RecordedOutcome<>(decision,
					entry(caller, attempt, decision, used ? approval.get().toString() : null));
		});
	}

	private static AuditEntry entry(String caller, AccessAttempt attempt, AccessDecision decision, String approvalId) {
		AccessRequest request = attempt.request();
		TokenRecord record = (attempt.token() != null) ? attempt.token().record() : null;
		String chain = (record != null && record.holder().agentId() != null) ? record.holder().agentId().toString()
				: AuditEntry.SYSTEM_CHAIN;
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("decisionId", decision.id());
		details.put("code", decision.code().value());
		details.put("resourceType", request.resourceType().value());
		details.put("resource", clean(request.resourceId()));
		details.put("action", clean(request.action()));
		details.put("subject", clean(request.subjectId()));
		if (request.target() != null) {
			details.put("target", clean(request.target()));
		}
		details.put("cost", request.cost().doubleValue());
		if (decision.budget() != null) {
			details.put("unit", decision.budget().unit());
			details.put("budgetRemaining", decision.budget().remaining().doubleValue());
		}
		if (approvalId != null) {
			details.put("approvalId", approvalId);
		}
		if (record != null) {
			details.put("jti", record.jti().value());
			if (record.task() != null) {
				details.put("task", record.task());
			}
		}
		return new AuditEntry(chain, clean(caller), PolicyDecisionPoint.EVALUATED, clean(request.resourceId()),
				decision.allowed() ? Decision.ALLOW : Decision.DENY,
				decision.allowed() ? null : clean(decision.code().value() + ": " + decision.reasonAdmin()), details);
	}

	/**
	 * A value as an audit record holds it: printable, at most 200 characters.
	 */
	static String clean(String value) {
		return (value != null) ? PrintableText.of(value, 200) : null;
	}

}
