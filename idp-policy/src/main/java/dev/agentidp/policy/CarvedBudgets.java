package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.Optional;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.Jti;
import dev.agentidp.tokens.SubBudgetRefusedException;
import dev.agentidp.tokens.SubBudgets;
import dev.agentidp.tokens.TokenRecord;

import org.springframework.util.Assert;

/**
 * Sub-budgets carved at token exchange ({@code budget=<amount>}, issue 16): the rule that
 * a carve comes out of the root agent's {@code tokenPolicy.budget} and fits in what the
 * subject token may still spend, the least left of its task's ledger and of every
 * sub-budget carved for it or above it. A carve is a ceiling, not a reservation: it holds
 * nothing back from the task's other tokens, so two carves may together exceed what is
 * left; each debit still needs the cost to fit in the main ledger ({@link BudgetLedger}).
 */
final class CarvedBudgets implements SubBudgets {

	private final AgentRegistry agents;

	private final BudgetLedger ledger;

	CarvedBudgets(AgentRegistry agents, BudgetLedger ledger) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		this.agents = agents;
		this.ledger = ledger;
	}

	@Override
	public Optional<String> refusal(TokenRecord subject, BigDecimal amount) {
		Assert.notNull(subject, "subject cannot be null");
		Assert.isTrue(amount != null && amount.signum() > 0, "amount must be positive");
		Optional<BudgetPolicy> policy = policy(subject);
		if (policy.isEmpty()) {
			return Optional.of("budget cannot be carved: the root agent's document has no tokenPolicy.budget");
		}
		TokenBudget budgets = this.ledger.state(subject, policy.get());
		BudgetState tightest = budgets.tightest();
		if (amount.compareTo(tightest.remaining()) > 0) {
			String which = (tightest == budgets.main()) ? "the task's budget" : "the subject token's sub-budget";
			return Optional.of("budget " + amount.toPlainString() + " " + policy.get().unit() + " is above the "
					+ tightest.remaining().toPlainString() + " left of " + which + " of "
					+ tightest.limit().toPlainString());
		}
		return Optional.empty();
	}

	@Override
	public void carve(TokenRecord subject, Jti derived, BigDecimal amount) {
		Optional<String> refusal = refusal(subject, amount);
		if (refusal.isPresent()) {
			throw new SubBudgetRefusedException(refusal.get());
		}
		this.ledger.carve(derived, subject, policy(subject).orElseThrow().unit(), amount);
	}

	private Optional<BudgetPolicy> policy(TokenRecord subject) {
		try {
			// RFC 8693 §4.1: a delegated token's sub stays the root agent
			return this.agents.findAgent(AgentId.of(subject.holder().subject()))
				.map((agent) -> agent.tokenPolicy().budget())
				.map(DocumentBudgets::policy);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
