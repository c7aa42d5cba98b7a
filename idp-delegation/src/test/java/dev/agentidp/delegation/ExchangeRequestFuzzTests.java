package dev.agentidp.delegation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coverage-guided fuzz target (Jazzer) for the RFC 8693 token exchange request parser
 * ({@link ExchangeRequest#read}), {@code sub_agent_jwk} (a JWK in JSON) included: every
 * request either parses to values within the rules or is refused with an OAuth error,
 * never with any other exception.
 * <p>
 * The input is read as UTF-8 lines {@code name=value}; a name given twice becomes a
 * repeated parameter ({@code String[]}, as Spring hands it over). Without
 * {@code JAZZER_FUZZ} the seeds under
 * {@code src/test/resources/dev/agentidp/delegation/ExchangeRequestFuzzTestsInputs/} run
 * as an ordinary test (docs/security.md).
 */
public final class ExchangeRequestFuzzTests {

	@FuzzTest(maxDuration = "15s")
	void exchangeRequestsParseWithinTheRulesOrAreRefusedWithAnOAuthError(byte[] input) {
		Map<String, Object> parameters = parameters(input);
		ExchangeRequest request;
		try {
			request = ExchangeRequest.read(parameters);
		}
		catch (OAuth2AuthenticationException ex) {
			// RFC 8693 §2.2.2 refers to RFC 6749 §5.2; invalid_target is RFC 8707 §2
			assertThat(ex.getError().getErrorCode()).isIn("invalid_request", "invalid_scope", "invalid_target");
			return;
		}
		assertThat(request.subjectToken()).isNotEmpty();
		assertThat(request.subAgent()).matches("[A-Za-z0-9._-]{1,64}");
		// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
		assertThat(request.scopes()).isNotEmpty().allMatch((scope) -> scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+"));
		assertThat(request.resources()).doesNotHaveDuplicates().allMatch((resource) -> !resource.contains("#"));
		// RFC 7638: a SHA-256 thumbprint, base64url without padding
		assertThat(request.jwkThumbprint() == null).isEqualTo(request.jwkJson() == null);
		if (request.jwkThumbprint() != null) {
			assertThat(request.jwkThumbprint()).matches("[A-Za-z0-9_-]{43}");
		}
		// issue 16: a sub-budget is above 0 and at most 1e12
		if (request.budget() != null) {
			assertThat(request.budget()).isPositive().isLessThanOrEqualTo(new java.math.BigDecimal("1e12"));
		}
	}

	private static Map<String, Object> parameters(byte[] input) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		for (String line : new String(input, StandardCharsets.UTF_8).split("\n", -1)) {
			int equals = line.indexOf('=');
			String name = (equals < 0) ? line : line.substring(0, equals);
			String value = (equals < 0) ? "" : line.substring(equals + 1);
			parameters.merge(name, value, (earlier, next) -> {
				String[] values = (earlier instanceof String[] texts) ? texts : new String[] { (String) earlier };
				String[] more = Arrays.copyOf(values, values.length + 1);
				more[values.length] = (String) next;
				return more;
			});
		}
		return parameters;
	}

}
