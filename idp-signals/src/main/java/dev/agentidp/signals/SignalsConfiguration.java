package dev.agentidp.signals;

import java.time.Clock;
import java.util.List;

import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.tokens.SigningKeyCipher;
import dev.agentidp.tokens.SigningKeys;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbound signals' configuration: {@link SignalsProperties}, the outbox and its
 * writer, the webhooks, the SSF transmitter and the delivery worker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SignalsProperties.class)
class SignalsConfiguration {

	@Bean
	Outbox signalOutbox(JdbcClient jdbc) {
		return new Outbox(jdbc);
	}

	@Bean
	OutboxWriter signalOutboxWriter(Outbox outbox, AgentRegistry agents, ObjectProvider<Clock> clock) {
		return new OutboxWriter(outbox, agents, clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	OutboundUrls signalOutboundUrls(SignalsProperties properties, Environment environment) {
		return new OutboundUrls(properties.allowPrivateAddresses() || environment.acceptsProfiles(Profiles.of("dev")));
	}

	@Bean
	Secrets signalSecrets(SigningKeyCipher cipher) {
		return new Secrets(cipher);
	}

	@Bean
	Deliveries signalDeliveries(SignalsProperties properties, OutboundUrls urls) {
		return new Deliveries(properties, urls);
	}

	@Bean
	WebhookQueue webhookQueue(JdbcClient jdbc, Deliveries deliveries, Secrets secrets) {
		return new WebhookQueue(jdbc, deliveries, secrets);
	}

	@Bean
	Webhooks webhooks(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			Secrets secrets, OutboundUrls urls, Refusals refusals, ObjectProvider<Clock> clock) {
		return new Webhooks(jdbc, transactions, events, secrets, urls, refusals,
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	SetSigner setSigner(SigningKeys keys) {
		return new SetSigner(keys);
	}

	@Bean
	SetQueue ssfSetQueue(JdbcClient jdbc, SetSigner signer, Deliveries deliveries, Secrets secrets) {
		return new SetQueue(jdbc, signer, deliveries, secrets);
	}

	@Bean
	SharedSignals sharedSignals(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			Secrets secrets, OutboundUrls urls, SetQueue sets, Refusals refusals, ObjectProvider<Clock> clock) {
		return new SharedSignals(jdbc, transactions, events, secrets, urls, sets, refusals,
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	SignalWorker signalWorker(Outbox outbox, List<Outlet> outlets, TransactionTemplate transactions,
			SignalsProperties properties, ObjectProvider<Clock> clock) {
		return new SignalWorker(outbox, outlets, transactions, properties, clock.getIfAvailable(Clock::systemUTC));
	}

}
