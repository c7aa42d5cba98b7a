package dev.agentidp.app.security;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.agentidp.tokens.OAuthParameters;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded random-mutation fuzz test of the token request parameter parser
 * ({@link OAuthParameters}: {@code task}, {@code ttl}, {@code resource}, repeated
 * parameters): 20,000 mutated inputs grown from valid seeds, each of which must either
 * parse to a value within the rules or be refused with an RFC 6749 error, never with any
 * other exception. Deterministic (fixed seed), so a failure reproduces; it runs in well
 * under a second.
 */
public final class OAuthParametersFuzzTests {

	private static final List<String> SEEDS = List.of("ticket-42", "60", "86400", "https://api.example.com/crm",
			"urn:example:resource", "a.b:c-d_e", "1", "999999999999", "http://[::1]:8080/x?y=z");

	private static final String ALPHABET = "aZ09._:-/#?&=%[]@!$'()*+,; \t\r\n\u0000\u00e9\u202e\uD83D\uDE00\uD800\"\\{}";

	@Test
	void mutatedParametersParseWithinTheRulesOrAreRefusedWithAnOAuthError() {
		Random random = new Random(0x5EC0_0008L);
		for (int i = 0; i < 20_000; i++) {
			Map<String, Object> parameters = new HashMap<>();
			for (String name : List.of("task", "ttl", "resource")) {
				if (random.nextInt(4) > 0) {
					parameters.put(name,
							random.nextInt(8) == 0 ? new String[] { mutate(random), mutate(random) } : mutate(random));
				}
			}
			try {
				String task = OAuthParameters.task(parameters);
				assertThat(task == null || task.matches("[A-Za-z0-9._:-]{1,128}")).as("task %s", task).isTrue();
				Duration ttl = OAuthParameters.ttl(parameters, Duration.ofMinutes(15), Duration.ofHours(1));
				assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
				for (String resource : OAuthParameters.resources(parameters)) {
					assertThat(resource).doesNotContain("#").hasSizeLessThanOrEqualTo(2048);
				}
			}
			catch (OAuth2AuthenticationException ex) {
				assertThat(ex.getError().getErrorCode()).isIn("invalid_request", "invalid_target");
			}
		}
	}

	private static String mutate(Random random) {
		StringBuilder value = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
		int mutations = random.nextInt(6);
		for (int m = 0; m < mutations; m++) {
			int at = (value.length() == 0) ? 0 : random.nextInt(value.length() + 1);
			switch (random.nextInt(5)) {
				case 0 -> value.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
				case 1 -> {
					if (at < value.length()) {
						value.deleteCharAt(at);
					}
				}
				case 2 -> value.insert(at, String.valueOf(random.nextLong()));
				case 3 -> value.append("x".repeat(random.nextInt(3000)));
				default -> value.setLength(Math.min(value.length(), at));
			}
		}
		return value.toString();
	}

}
