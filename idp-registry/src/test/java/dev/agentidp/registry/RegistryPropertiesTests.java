package dev.agentidp.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RegistryProperties} as Spring binds it: the defaults of the README, and a value
 * out of range refuses the start naming the property and its range.
 */
class RegistryPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

	@Test
	void bindingNothingGivesTheDocumentedDefaults() {
		this.runner.run((context) -> assertThat(context.getBean(RegistryProperties.class))
			.isEqualTo(RegistryProperties.DEFAULTS));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			max-sub-agents-per-root      | -1      | maxSubAgentsPerRoot      | must be between 0 and 1000000
			max-sub-agents-per-root      | 1000001 | maxSubAgentsPerRoot      | must be between 0 and 1000000
			max-new-sub-agents-per-minute | 0      | maxNewSubAgentsPerMinute | must be between 1 and 10000
			max-new-sub-agents-per-minute | 10001  | maxNewSubAgentsPerMinute | must be between 1 and 10000
			""")
	void aValueOutOfRangeRefusesTheStart(String property, String value, String field, String reason) {
		this.runner.withPropertyValues("idp.registry." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("idp.registry")
				.hasMessageContaining(field)
				.hasMessageContaining(reason);
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			max-sub-agents-per-root       | 0
			max-sub-agents-per-root       | 1000000
			max-new-sub-agents-per-minute | 1
			max-new-sub-agents-per-minute | 10000
			""")
	void theBoundsOfEachRangeAreAccepted(String property, String value) {
		this.runner.withPropertyValues("idp.registry." + property + "=" + value)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RegistryProperties.class)
	static class Bound {

	}

}
