package dev.agentidp.delegation;

import java.time.Clock;

import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.AuthorizationServerContribution;
import dev.agentidp.tokens.ClientAttestations;
import dev.agentidp.tokens.SubBudgets;
import dev.agentidp.tokens.TokenRequestProofs;
import dev.agentidp.tokens.TokenService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delegation module's beans: its grant, plugged into the authorization server as an
 * {@link AuthorizationServerContribution}.
 */
@Configuration(proxyBeanMethods = false)
class DelegationConfiguration {

	/**
	 * The token-exchange grant, after the client-credentials one; sub-budgets are carved
	 * by the module that keeps budgets when one declares {@link SubBudgets}, else
	 * refused.
	 */
	@Bean
	@Order(100)
	AuthorizationServerContribution tokenExchangeGrant(TokenService tokens, AccessTokenMinter minter,
			AgentRegistry agents, TransactionTemplate transactions, ApplicationEventPublisher events,
			TokenRequestProofs proofs, ObjectProvider<SubBudgets> subBudgets, ClientAttestations attestations) {
		return new TokenExchangeGrant(new SubAgentTokenExchangeAuthenticationConverter(),
				new SubAgentTokenExchangeAuthenticationProvider(tokens, minter, agents, transactions, events,
						new DelegationPolicy(), Clock.systemUTC(), proofs,
						subBudgets.getIfUnique(() -> SubBudgets.NONE), attestations));
	}

}
