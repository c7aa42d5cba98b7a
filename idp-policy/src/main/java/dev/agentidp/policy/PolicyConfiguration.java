package dev.agentidp.policy;

import java.time.Clock;
import java.time.Duration;

import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Refusals;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.ProfileCheck;
import dev.agentidp.tokens.AuthorizationServerContribution;
import dev.agentidp.tokens.SubBudgets;
import dev.agentidp.tokens.TokenService;
import dev.agentidp.tokens.TokensProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The policy module's beans: the {@link PolicyDecisionPoint} facade, its
 * {@link BudgetLedger}, the {@link Conditions} compiler (and the {@link ProfileCheck}
 * that refuses a document whose condition does not compile), the budgets of the identity
 * documents ({@link DocumentBudgets}) and the sub-budgets carved from them at token
 * exchange ({@link CarvedBudgets}), and the AuthZEN metadata contribution. Anomaly
 * signals ({@link AnomalySignal}) and decision observers ({@link DecisionObserver}) are
 * picked up when some module declares them.
 */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

	@Bean
	BudgetLedger budgetLedger(JdbcClient jdbc) {
		return new BudgetLedger(jdbc);
	}

	@Bean
	Conditions conditions() {
		Conditions conditions = new Conditions();
		conditions.warmUp();
		return conditions;
	}

	/** Conditions must compile before a document is written. */
	@Bean
	ProfileCheck conditionProfileCheck(Conditions conditions) {
		return new ConditionProfileCheck(conditions);
	}

	/** The root agent's {@code tokenPolicy.budget}. */
	@Bean
	BudgetSource documentBudgets() {
		return new DocumentBudgets();
	}

	/**
	 * Sub-budgets carved at token exchange, from the root agent's
	 * {@code tokenPolicy.budget}.
	 */
	@Bean
	SubBudgets carvedBudgets(AgentRegistry agents, BudgetLedger ledger) {
		return new CarvedBudgets(agents, ledger);
	}

	@Bean
	PolicyDecisionPoint policyDecisionPoint(TokenService tokens, AgentRegistry agents, AuditTrail audit,
			Refusals refusals, BudgetLedger ledger, ObjectProvider<BudgetSource> budgets,
			ObjectProvider<AnomalySignal> signals, ObjectProvider<DecisionObserver> observers, JdbcClient jdbc,
			TokensProperties tokensProperties, Conditions conditions, Approvals approvals) {
		// the window of idp.tokens.dpop-proof-window, as at the token endpoint
		Duration window = tokensProperties.dpopProofWindow();
		Clock clock = Clock.systemUTC();
		DpopProofVerifier proofs = new DpopProofVerifier(new ProofReplays(jdbc), window, clock);
		DpopProofVerifier searchProofs = new DpopProofVerifier((jkt, jti, keepUntil) -> true, window, clock);
		return new PolicyDecisionPoint(tokens, agents, audit, refusals, ledger,
				budgets.getIfUnique(() -> BudgetSource.NONE), signals.orderedStream().toList(), proofs, searchProofs,
				conditions, clock, new ApprovalUses() {

					@Override
					public boolean use(ApprovalId id) {
						return approvals.use(id);
					}

					@Override
					public void release(ApprovalId id) {
						approvals.release(id);
					}

				}, observers.orderedStream().toList());
	}

	/**
	 * The AuthZEN entries of the RFC 8414 metadata, after every grant's.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	AuthorizationServerContribution authZenMetadata() {
		return new AuthZenMetadata();
	}

}
