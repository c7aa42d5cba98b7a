package dev.agentidp.approvals;

import java.time.Clock;
import java.util.Optional;

import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.AuthorizationServerContribution;
import dev.agentidp.tokens.ClientAttestations;
import dev.agentidp.tokens.ClientAuthentication;
import dev.agentidp.tokens.TokenRequestProofs;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The approvals module's beans: the {@link Approvals} facade, the CIBA grant it plugs
 * into the authorization server, and the backchannel authentication endpoint the
 * application's security chain applies.
 */
@Configuration(proxyBeanMethods = false)
class ApprovalsConfiguration {

	private final Clock clock = Clock.systemUTC();

	@Bean
	Approvals approvals(JdbcClient jdbc, AgentRegistry agents, ObjectProvider<ApproverDirectory> directory,
			TransactionTemplate transactions, ApplicationEventPublisher events, Refusals refusals,
			ApprovalsProperties properties) {
		// without a directory no login_hint can be checked, so none is accepted
		ApproverDirectory approvers = directory.getIfAvailable(() -> (email) -> Optional.empty());
		return new Approvals(new ApprovalRequests(jdbc), agents, approvers, transactions, events, refusals, properties,
				this.clock);
	}

	/**
	 * The CIBA grant, after the client-credentials grant and token exchange.
	 */
	@Bean
	@Order(20)
	AuthorizationServerContribution cibaGrant(Approvals approvals, AgentRegistry agents, AccessTokenMinter minter,
			TransactionTemplate transactions, ApplicationEventPublisher events, TokenRequestProofs proofs,
			ClientAttestations attestations) {
		return new CibaGrant(new CibaAuthenticationConverter(), new CibaAuthenticationProvider(approvals, agents,
				minter, transactions, events, proofs, attestations, this.clock));
	}

	@Bean
	BackchannelEndpoint backchannelEndpoint(Approvals approvals, ClientAuthentication clients) {
		return new BackchannelEndpoint(approvals, clients);
	}

}
