package dev.agentidp.app;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of an admin body's JSON text, checked before it binds: no lone surrogate (RFC
 * 8259 §8.2), no member named twice (RFC 8259 §4), each answered with its path.
 */
class AdminJsonTextTests {

	private static String problem(String json) {
		return AdminJsonText.firstProblem(json.getBytes(StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@CsvSource(delimiterString = " || ", quoteCharacter = '`',
			textBlock = """
					{"name": "a", "name": "b"}                              || name: is given twice (member names must be unique, RFC 8259 §4)
					{"capabilities": [{"scope": "a", "scope": "b"}]}        || capabilities[0].scope: is given twice (member names must be unique, RFC 8259 §4)
					{"a": [1, {"b": {"c": 1, "c": 2}}]}                     || a[1].b.c: is given twice (member names must be unique, RFC 8259 §4)
					{"name": "\\ud800"}                                     || name: contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text (RFC 8259 §8.2)
					{"tools": [{"permissions": ["ok", "a\\udfff"]}]}         || tools[0].permissions[1]: contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text (RFC 8259 §8.2)
					"\\ude00b"                                              || the body: contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text (RFC 8259 §8.2)
					{"x": "\\ud800", "x": 1}                                || x: contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not Unicode text (RFC 8259 §8.2)
					""")
	void theFirstRuleBrokenIsAnsweredWithItsPath(String json, String detail) {
		assertThat(problem(json)).isEqualTo(detail);
	}

	@Test
	void textThatBreaksNoRuleOrIsNoJsonIsLeftToTheConverter() {
		assertThat(problem("{\"a\": {\"b\": 1}, \"b\": {\"b\": 2}, \"c\": [{\"b\": 1}, {\"b\": 1}]}")).isNull();
		assertThat(problem("{\"emoji\": \"\\ud83d\\ude00\", \"\\ud83d\\ude00\": true}")).isNull();
		assertThat(problem("{\"name\": \"a\", \"name\": ")).as("no JSON: the converter answers").isNull();
		assertThat(problem("[".repeat(30_000) + "]".repeat(30_000))).isNull();
		assertThat(problem("")).isNull();
		// Jackson itself refuses a lone surrogate in a member name: no JSON to it
		assertThat(problem("{\"\\ud83d\": 1}")).isNull();
	}

}
