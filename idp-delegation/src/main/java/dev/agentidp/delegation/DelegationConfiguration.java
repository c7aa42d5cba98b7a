package dev.agentidp.delegation;

import java.time.Clock;

import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.TokenService;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delegation module's beans.
 */
@Configuration(proxyBeanMethods = false)
public class DelegationConfiguration {

	@Bean
	DelegationEndpoints delegationEndpoints(TokenService tokens, AccessTokenMinter minter, AgentRegistry agents,
			TransactionTemplate transactions, ApplicationEventPublisher events) {
		return new DelegationEndpoints(new SubAgentTokenExchangeAuthenticationConverter(),
				new SubAgentTokenExchangeAuthenticationProvider(tokens, minter, agents, transactions, events,
						Clock.systemUTC()));
	}

}
