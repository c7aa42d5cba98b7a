package dev.agentidp.audit;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The audit module's beans: the {@link AuditTrail} facade, the recorder of published
 * {@link AuditableEvent}s, the checkpoint scheduler, and {@link Refusals} with its
 * summary scheduler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AuditProperties.class, RefusalsProperties.class })
public class AuditConfiguration {

	@Bean
	AuditCheckpoints auditCheckpoints(DataSource dataSource, ObjectProvider<CheckpointSigner> signer,
			ObjectProvider<Clock> clock) {
		return new AuditCheckpoints(JdbcClient.create(dataSource), signer, clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	AuditTrail auditTrail(DataSource dataSource, AuditCheckpoints checkpoints,
			PlatformTransactionManager transactionManager, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<Clock> clock, ObjectProvider<AuditObserver> observers) {
		AuditTrail trail = new AuditTrail(dataSource, checkpoints, transactionManager,
				registry.getIfAvailable(SimpleMeterRegistry::new), clock.getIfAvailable(Clock::systemUTC));
		trail.setObservers(observers.orderedStream().toList());
		return trail;
	}

	@Bean(destroyMethod = "flush")
	Refusals refusals(AuditTrail trail, RefusalsProperties properties,
			@Value("${spring.datasource.hikari.maximum-pool-size:10}") int poolSize,
			ObjectProvider<MeterRegistry> meters, ObjectProvider<Clock> clock) {
		return new Refusals(trail, properties, poolSize, meters.getIfAvailable(SimpleMeterRegistry::new),
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	RefusalSummaryScheduler refusalSummaryScheduler(Refusals refusals) {
		return new RefusalSummaryScheduler(refusals);
	}

	@Bean
	AuditEventRecorder auditEventRecorder(AuditTrail trail) {
		return new AuditEventRecorder(trail);
	}

	@Bean
	AuditCheckpointScheduler auditCheckpointScheduler(AuditTrail trail) {
		return new AuditCheckpointScheduler(trail);
	}

}
