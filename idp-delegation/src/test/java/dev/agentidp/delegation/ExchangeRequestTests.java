package dev.agentidp.delegation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code budget} parameter of a token exchange (issue 16): a plain decimal above 0
 * and at most 1e12, once; an empty value counts as omitted (RFC 6749 §3.1).
 */
class ExchangeRequestTests {

	@Test
	void readWhenBudgetIsAPlainDecimalThenItIsTheAmount() {
		assertThat(ExchangeRequest.read(parameters("2.50")).budget()).isEqualByComparingTo("2.50");
		assertThat(ExchangeRequest.read(parameters("1000000000000")).budget()).isEqualByComparingTo("1e12");
		assertThat(ExchangeRequest.read(parameters("0.000000000000000001")).budget()).isPositive();
		assertThat(ExchangeRequest.read(parameters("")).budget()).isNull();
		assertThat(ExchangeRequest.read(parameters(null)).budget()).isNull();
	}

	@Test
	void readWhenBudgetIsNotAPlainDecimalAboveZeroAndAtMostTenToTheTwelveThenInvalidRequest() {
		for (String amount : List.of("-1", "0", "0.00", "NaN", "Infinity", "abc", "1e13", "1e3", "1000000000000.01",
				"10000000000000", " 1", "1 ", "1,5", "+1", ".5", "5.", "0x10", "01", "1.0000000000000000001",
				"\u0661")) {
			assertThatExceptionOfType(OAuth2AuthenticationException.class).as(amount)
				.isThrownBy(() -> ExchangeRequest.read(parameters(amount)))
				.satisfies((ex) -> {
					assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_request");
					assertThat(ex.getError().getDescription()).startsWith("budget must be a decimal amount");
				});
		}
	}

	@Test
	void readWhenBudgetIsRepeatedThenInvalidRequest() {
		Map<String, Object> parameters = parameters(null);
		parameters.put("budget", new String[] { "1", "2" });
		assertThatExceptionOfType(OAuth2AuthenticationException.class)
			.isThrownBy(() -> ExchangeRequest.read(parameters))
			.satisfies((ex) -> assertThat(ex.getError().getDescription()).contains("budget must not be repeated"));
	}

	private static Map<String, Object> parameters(String budget) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		parameters.put("subject_token", "token");
		parameters.put("subject_token_type", ExchangeRequest.ACCESS_TOKEN_TYPE);
		parameters.put("sub_agent", "helper");
		parameters.put("scope", "crm:read");
		if (budget != null) {
			parameters.put("budget", budget);
		}
		return parameters;
	}

}
