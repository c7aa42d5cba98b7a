package dev.agentidp.audit;

import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
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
class AuditConfiguration {

	/** HikariCP's default {@code maximumPoolSize}. */
	private static final int DEFAULT_POOL_SIZE = 10;

	@Bean
	AuditCheckpoints auditCheckpoints(DataSource dataSource, ObjectProvider<CheckpointSigner> signer,
			ObjectProvider<Clock> clock) {
		return new AuditCheckpoints(JdbcClient.create(dataSource), signer, clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * The trail's monthly partitions, made ahead before the application serves (V26).
	 */
	@Bean
	AuditPartitions auditPartitions(DataSource dataSource, ObjectProvider<Clock> clock) {
		return new AuditPartitions(JdbcClient.create(dataSource), clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean(destroyMethod = "close")
	AuditTrail auditTrail(DataSource dataSource, AuditCheckpoints checkpoints,
			PlatformTransactionManager transactionManager, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<Clock> clock, ObjectProvider<AuditObserver> observers, AuditProperties properties) {
		AuditTrail trail = new AuditTrail(dataSource, checkpoints, transactionManager,
				registry.getIfAvailable(SimpleMeterRegistry::new), clock.getIfAvailable(Clock::systemUTC),
				properties.groupCommit());
		trail.setObservers(observers.orderedStream().toList());
		return trail;
	}

	@Bean(destroyMethod = "flush")
	Refusals refusals(AuditTrail trail, RefusalsProperties properties, DataSource dataSource,
			ObjectProvider<MeterRegistry> meters, ObjectProvider<Clock> clock) {
		return new Refusals(trail, properties, poolSize(dataSource), meters.getIfAvailable(SimpleMeterRegistry::new),
				clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * The connection pool's size as the pool itself has it (Spring Boot binds
	 * {@code spring.datasource.hikari.maximum-pool-size} to it), else Hikari's default.
	 */
	static int poolSize(DataSource dataSource) {
		try {
			if (dataSource.isWrapperFor(HikariDataSource.class)) {
				return dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();
			}
		}
		catch (SQLException ex) {
			// not a Hikari pool after all: fall through to the default
		}
		return DEFAULT_POOL_SIZE;
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
