package dev.agentidp.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * RFC 8785 test vectors.
 */
class CanonicalJsonTests {

	/** RFC 8785 Appendix B: IEEE 754 binary64 values and their canonical form. */
	@ParameterizedTest
	@CsvSource({ "0000000000000000, 0", "8000000000000000, 0", "0000000000000001, 5e-324", "8000000000000001, -5e-324",
			"7fefffffffffffff, 1.7976931348623157e+308", "ffefffffffffffff, -1.7976931348623157e+308",
			"4340000000000000, 9007199254740992", "c340000000000000, -9007199254740992",
			"4430000000000000, 295147905179352830000", "44b52d02c7e14af5, 9.999999999999997e+22",
			"44b52d02c7e14af6, 1e+23", "44b52d02c7e14af7, 1.0000000000000001e+23",
			"444b1ae4d6e2ef4e, 999999999999999700000", "444b1ae4d6e2ef4f, 999999999999999900000",
			"444b1ae4d6e2ef50, 1e+21", "3eb0c6f7a0b5ed8c, 9.999999999999997e-7", "3eb0c6f7a0b5ed8d, 0.000001",
			"41b3de4355555553, 333333333.3333332", "41b3de4355555554, 333333333.33333325",
			"41b3de4355555555, 333333333.3333333", "41b3de4355555556, 333333333.3333334",
			"41b3de4355555557, 333333333.33333343", "becbf647612f3696, -0.0000033333333333333333",
			"43143ff3c1cb0959, 1424953923781206.2" })
	void writeWhenAppendixBNumberThenCanonicalForm(String bits, String expected) {
		double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
		assertThat(CanonicalJson.write(value)).isEqualTo(expected);
		// and from the text, read as RFC 8785 reads numbers (as doubles)
		assertThat(CanonicalJson.write(Rfc8785VectorsTests.parse(expected))).isEqualTo(expected);
	}

	@Test
	void writeWhenNaNOrInfinityThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.write(Double.NaN));
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.write(Double.POSITIVE_INFINITY));
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.write(Double.NEGATIVE_INFINITY));
	}

	/** RFC 8785 §3.2.2: the sample of the whole transformation. */
	@Test
	void canonicalizeWhenRfcSampleThenRfcOutput() {
		String input = """
				{
				  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
				  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
				  "literals": [null, true, false]
				}""";
		assertThat(CanonicalJson.write(Rfc8785VectorsTests.parse(input)))
			.isEqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
					+ "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	}

	/** RFC 8785 §3.2.3: members sorted by UTF-16 code units. */
	@Test
	void writeWhenRfcSortingSampleThenSortedByUtf16CodeUnits() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("\u20ac", "Euro Sign");
		map.put("\r", "Carriage Return");
		map.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
		map.put("1", "One");
		map.put("\ud83d\ude00", "Emoji: Grinning Face");
		map.put("\u0080", "Control");
		map.put("\u00f6", "Latin Small Letter O With Diaeresis");
		assertThat(CanonicalJson.write(map))
			.isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
					+ "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
					+ "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
	}

	@Test
	void writeWhenJavaValuesThenCanonical() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("b", List.of(1, 2L, 2.5, "x"));
		details.put("a", Map.of("z", true, "y", Decision.DENY));
		details.put("c", 9007199254740993L);
		assertThat(CanonicalJson.write(details))
			.isEqualTo("{\"a\":{\"y\":\"deny\",\"z\":true},\"b\":[1,2,2.5,\"x\"],\"c\":9007199254740992}");
	}

	@Test
	void writeWhenLoneSurrogateThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.write("a\ud800b"));
	}

	@Test
	void appendTimeWhenInstantThenRfc3339WithMilliseconds() {
		assertThat(RecordHashing.formatTime(java.time.Instant.parse("2026-11-28T10:00:00Z")))
			.isEqualTo("2026-11-28T10:00:00.000Z");
		assertThat(RecordHashing.formatTime(java.time.Instant.parse("2024-02-29T23:59:59.123456Z")))
			.isEqualTo("2024-02-29T23:59:59.123Z");
		assertThat(RecordHashing.formatTime(java.time.Instant.parse("1969-12-31T23:59:59.999Z")))
			.isEqualTo("1969-12-31T23:59:59.999Z");
	}

}
