package dev.agentidp.tokens;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TokensProperties} as Spring binds it: the defaults of the README, and a value
 * out of range refuses the start naming the property and its range.
 */
class TokensPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

	@Test
	void bindingNothingGivesTheDocumentedDefaults() {
		this.runner.run((context) -> {
			TokensProperties properties = context.getBean(TokensProperties.class);
			assertThat(properties.signingAlgorithm()).isEqualTo("ES256");
			assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.maxFailedAuthenticationsPerMinute()).isEqualTo(20);
			assertThat(properties.maxClientAssertionLifetime()).isEqualTo(Duration.ofMinutes(60));
			assertThat(properties.purgeInterval()).isEqualTo(Duration.ofMinutes(10));
			assertThat(properties.defaultAudience()).isNull();
			assertThat(properties.keyEncryptionKey()).isNull();
			assertThat(properties.dpopNonce().enabled()).isFalse();
			assertThat(properties.dpopNonce().lifetime()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void anEmptyDurationMeansItsDefault() {
		this.runner.withPropertyValues("idp.tokens.clock-skew=", "idp.tokens.max-client-assertion-lifetime=")
			.run((context) -> {
				TokensProperties properties = context.getBean(TokensProperties.class);
				assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(60));
				assertThat(properties.maxClientAssertionLifetime()).isEqualTo(Duration.ofMinutes(60));
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					signing-algorithm                  | RS256 | signingAlgorithm                  | must be EdDSA or ES256
					signing-algorithm                  | eddsa | signingAlgorithm                  | must be EdDSA or ES256
					clock-skew                         | -1s   | clockSkew                         | must be between 0 and 10 minutes
					clock-skew                         | 11m   | clockSkew                         | must be between 0 and 10 minutes
					max-client-assertion-lifetime      | 59s   | maxClientAssertionLifetime        | must be between 1 minute and 24 hours
					max-client-assertion-lifetime      | 25h   | maxClientAssertionLifetime        | must be between 1 minute and 24 hours
					max-failed-authentications-per-minute | 0  | maxFailedAuthenticationsPerMinute | must be at least 1
					dpop-nonce.lifetime                | 9s    | lifetime                          | must be between 10 seconds and 1 hour
					dpop-nonce.lifetime                | 61m   | lifetime                          | must be between 10 seconds and 1 hour
					""")
	void aValueOutOfRangeRefusesTheStart(String property, String value, String field, String reason) {
		this.runner.withPropertyValues("idp.tokens." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("idp.tokens")
				.hasMessageContaining(field)
				.hasMessageContaining(reason);
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			signing-algorithm                  | EdDSA
			clock-skew                         | 0s
			clock-skew                         | 10m
			max-client-assertion-lifetime      | 1m
			max-client-assertion-lifetime      | 24h
			max-failed-authentications-per-minute | 1
			dpop-nonce.lifetime                | 10s
			dpop-nonce.lifetime                | 1h
			""")
	void theBoundsOfEachRangeAreAccepted(String property, String value) {
		this.runner.withPropertyValues("idp.tokens." + property + "=" + value)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(TokensProperties.class)
	static class Bound {

	}

}
