package dev.agentidp.anomalies;

import java.time.Clock;

import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.AgentRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The anomaly module's beans: the counts (a {@code DecisionObserver} of the policy
 * decision point and an {@code AuditObserver} of the trail), their store, the detector
 * run every {@code idp.anomalies.flush-interval} where scheduling is enabled (the
 * application enables it), the {@link Anomalies} and {@link AnomalyReports} facades, and
 * the step-up signal of the decision point's rule 8. The clock is the application's
 * {@link Clock} bean when it declares one (tests), else UTC.
 */
@Configuration(proxyBeanMethods = false)
class AnomaliesConfiguration {

	private final Clock clock;

	AnomaliesConfiguration(ObjectProvider<Clock> clock) {
		this.clock = clock.getIfUnique(Clock::systemUTC);
	}

	@Bean
	AnomalyCounts anomalyCounts() {
		return new AnomalyCounts(this.clock);
	}

	@Bean
	Anomalies anomalies(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			AgentRegistry registry, Refusals refusals, AnomaliesProperties properties) {
		return new Anomalies(jdbc, transactions, events, registry, refusals, properties.stepUpCacheTtl(), this.clock);
	}

	@Bean
	AnomalyReports anomalyReports(JdbcClient jdbc, AgentRegistry registry) {
		return new AnomalyReports(jdbc, registry, this.clock);
	}

	@Bean
	AnomalyDetector anomalyDetector(AnomalyCounts counts, JdbcTemplate jdbcTemplate, Anomalies anomalies,
			AgentRegistry registry, AnomalyReports reports, AnomaliesProperties properties) {
		return new AnomalyDetector(counts, new ActivityStore(jdbcTemplate), anomalies, registry, reports, properties,
				this.clock);
	}

	@Bean
	StepUpSignal stepUpSignal(Anomalies anomalies) {
		return new StepUpSignal(anomalies);
	}

	@Bean
	DetectionScheduler detectionScheduler(AnomalyDetector detector) {
		return new DetectionScheduler(detector);
	}

	/**
	 * Runs the detector every {@code idp.anomalies.flush-interval}.
	 */
	static final class DetectionScheduler {

		private final AnomalyDetector detector;

		DetectionScheduler(AnomalyDetector detector) {
			this.detector = detector;
		}

		@Scheduled(initialDelayString = "${idp.anomalies.flush-interval:5s}",
				fixedDelayString = "${idp.anomalies.flush-interval:5s}")
		void run() {
			this.detector.run();
		}

	}

}
