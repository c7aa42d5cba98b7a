package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coverage-guided fuzz target (Jazzer) for the token request parameters this provider
 * adds ({@link OAuthParameters}: {@code task}, {@code ttl}, {@code resource}, repeated
 * parameters): every request either parses to values within the rules or is refused with
 * an RFC 6749 §5.2 / RFC 8707 §2 error, never with any other exception.
 * <p>
 * The input is read as UTF-8 lines {@code name=value}; a name given twice becomes a
 * repeated parameter ({@code String[]}, as Spring hands it over). Without
 * {@code JAZZER_FUZZ} the seeds under
 * {@code src/test/resources/dev/agentidp/tokens/OAuthParametersGuidedFuzzTestsInputs/}
 * run as an ordinary test (docs/security.md).
 */
public final class OAuthParametersGuidedFuzzTests {

	@FuzzTest(maxDuration = "15s")
	void parametersParseWithinTheRulesOrAreRefusedWithAnOAuthError(byte[] input) {
		Map<String, Object> parameters = parameters(input);
		try {
			String task = OAuthParameters.task(parameters);
			assertThat(task == null || task.matches("[A-Za-z0-9._:-]{1,128}")).as("task %s", task).isTrue();
			Duration ttl = OAuthParameters.ttl(parameters, Duration.ofMinutes(15), Duration.ofHours(1));
			assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
			List<String> resources = OAuthParameters.resources(parameters);
			assertThat(resources).doesNotHaveDuplicates();
			for (String resource : resources) {
				// RFC 8707 §2: an absolute URI without a fragment
				assertThat(resource).doesNotContain("#").hasSizeLessThanOrEqualTo(2048).contains(":");
			}
		}
		catch (OAuth2AuthenticationException ex) {
			// RFC 6749 §5.2 and RFC 8707 §2
			assertThat(ex.getError().getErrorCode()).isIn("invalid_request", "invalid_target");
		}
	}

	/**
	 * Reads {@code name=value} lines into request parameters as Spring presents them: a
	 * {@code String} for a parameter given once, a {@code String[]} for a repeated one.
	 * @param input UTF-8 lines
	 * @return the parameters
	 */
	static Map<String, Object> parameters(byte[] input) {
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
