package dev.agentidp.app;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FirewallCharacters}' rules answer what Spring Security's
 * {@code StrictHttpFirewall} answers with its default expressions (spring-security-web
 * 7.0, {@code ASSIGNED_AND_NOT_ISO_CONTROL_PATTERN} and {@code HEADER_VALUE_PATTERN},
 * copied here as the rule to keep), for every code point alone, every code point between
 * printable ASCII, lone and paired surrogates, and the empty string.
 */
class FirewallCharactersTests {

	private static final Pattern ASSIGNED_AND_NOT_ISO_CONTROL = Pattern
		.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

	private static final Pattern HEADER_VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

	@Test
	void theRulesAnswerAsTheFirewallsExpressionsForEveryCodePoint() {
		List<String> mismatches = new ArrayList<>();
		for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
			String alone = new String(Character.toChars(c));
			check(alone, mismatches);
			if (c < 0x3000 || c % 97 == 0) {
				check("Bearer " + alone + "x", mismatches);
			}
		}
		check("", mismatches);
		check("a\uD800", mismatches);
		check("\uDC00a", mismatches);
		check("\uD83D\uDE00 ok", mismatches);
		check("tab\tin the middle", mismatches);
		check("Basic cnMtMTpzZWNyZXQ=", mismatches);
		assertThat(mismatches).isEmpty();
	}

	@Test
	void aTabIsAllowedInAHeaderValueOnly() {
		assertThat(FirewallCharacters.HEADER_VALUE.test("a\tb")).isTrue();
		assertThat(FirewallCharacters.ASSIGNED_NOT_CONTROL.test("a\tb")).isFalse();
		assertThat(FirewallCharacters.HEADER_VALUE.test("a\u0085b")).isFalse();
		assertThat(FirewallCharacters.HEADER_VALUE.test("a\u0378b")).as("unassigned").isFalse();
		assertThat(FirewallCharacters.HEADER_VALUE.test("gr\u00fc\u00dfe")).isTrue();
	}

	private static void check(String value, List<String> mismatches) {
		if (FirewallCharacters.ASSIGNED_NOT_CONTROL.test(value) != ASSIGNED_AND_NOT_ISO_CONTROL.matcher(value)
			.matches()) {
			mismatches.add("names and parameters: " + value.codePoints().mapToObj(Integer::toHexString).toList());
		}
		if (FirewallCharacters.HEADER_VALUE.test(value) != HEADER_VALUE.matcher(value).matches()) {
			mismatches.add("header values: " + value.codePoints().mapToObj(Integer::toHexString).toList());
		}
	}

}
