package dev.agentidp.audit;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuditProperties} and {@link RefusalsProperties} as Spring binds them: the
 * defaults of the README, and a value out of range refuses the start naming the property
 * and its range.
 */
class AuditPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

	@Test
	void bindingNothingGivesTheDocumentedDefaults() {
		this.runner.run((context) -> {
			assertThat(context.getBean(AuditProperties.class)).isEqualTo(new AuditProperties(Duration.ofSeconds(60),
					AuditProperties.Introspection.DENIED, new AuditProperties.GroupCommit(2, 64)));
			assertThat(context.getBean(RefusalsProperties.class))
				.isEqualTo(new RefusalsProperties(Duration.ofSeconds(10), 10, 1000, 1000, 0));
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			refusals.interval              | 999ms | interval            | must be between 1 second and 1 hour
			refusals.interval              | 61m   | interval            | must be between 1 second and 1 hour
			refusals.individual-per-source | -1    | individualPerSource | must not be negative
			refusals.max-individual        | -1    | maxIndividual       | must not be negative
			refusals.connections           | -1    | connections         | must not be negative
			refusals.max-sources           | 0     | maxSources          | must be at least 1
			""")
	void aValueOutOfRangeRefusesTheStart(String property, String value, String field, String reason) {
		this.runner.withPropertyValues("idp.audit." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("idp.audit.refusals")
				.hasMessageContaining(field)
				.hasMessageContaining(reason);
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			refusals.interval              | 1s
			refusals.interval              | 1h
			refusals.individual-per-source | 0
			refusals.max-individual        | 0
			refusals.connections           | 0
			refusals.max-sources           | 1
			introspection                  | all
			""")
	void theBoundsOfEachRangeAreAccepted(String property, String value) {
		this.runner.withPropertyValues("idp.audit." + property + "=" + value)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ AuditProperties.class, RefusalsProperties.class })
	static class Bound {

	}

}
