package dev.agentidp.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-checks {@link CanonicalJson} against a second implementation of RFC 8785: the
 * test vectors of the reference implementation ({@code cyberphone/json-canonicalization},
 * by one of the RFC's authors; {@code src/test/resources/rfc8785-vectors/README.md} says
 * which commit). The input text is read with Jackson ({@link StoredDetails}: every number
 * as the double it denotes, as RFC 8785 §3.2.2.3 reads it); what is compared is our
 * output, byte for byte.
 */
class Rfc8785VectorsTests {

	/**
	 * The SHA-256 the reference publishes for the first 100,000 lines of its number test
	 * file ({@code testdata/README.md}, "ES6 Numbers").
	 */
	private static final String FIRST_100_000_LINES = "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7";

	/** The JSON text parsed as RFC 8785 reads it: objects, arrays, strings, doubles. */
	static Object parse(String json) {
		return StoredDetails.readValue(json);
	}

	@ParameterizedTest
	@ValueSource(strings = { "arrays", "french", "structures", "unicode", "values", "weird" })
	void writeWhenReferenceInputThenReferenceOutputByteForByte(String name) throws IOException {
		String input = new String(read("input/" + name + ".json"), StandardCharsets.UTF_8);
		byte[] expected = read("output/" + name + ".json");
		assertThat(CanonicalJson.write(parse(input)).getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
	}

	/**
	 * The reference number sequence: 168 fixed values, 2,000 subnormal-boundary values,
	 * then doubles drawn from a SHA-256 chain; each line is {@code hex-bits,canonical}.
	 * Our lines for the first 100,000 values must hash to the published SHA-256.
	 */
	@Test
	void writeWhenReferenceNumberSequenceThenPublishedHashOfItsFirst100000Lines() throws Exception {
		List<String> fixed = new String(read("es6-static-values.txt"), StandardCharsets.US_ASCII).lines().toList();
		assertThat(fixed).hasSize(168);
		MessageDigest lines = MessageDigest.getInstance("SHA-256");
		MessageDigest chain = MessageDigest.getInstance("SHA-256");
		byte[] block = new byte[32];
		ByteBuffer data = ByteBuffer.allocate(0);
		StringBuilder line = new StringBuilder(64);
		for (int i = 0; i < 100_000; i++) {
			long bits;
			if (i < fixed.size()) {
				bits = Long.parseUnsignedLong(fixed.get(i), 16);
			}
			else if (i < fixed.size() + 2000) {
				bits = 0x0010000000000000L + (i - fixed.size());
			}
			else {
				double f = 0;
				do {
					if (!data.hasRemaining()) {
						block = chain.digest(block);
						data = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
					}
					f = data.getDouble();
				}
				while (f == 0 || Double.isNaN(f) || Double.isInfinite(f));
				bits = Double.doubleToRawLongBits(f);
			}
			line.setLength(0);
			line.append(Long.toHexString(bits)).append(',');
			CanonicalJson.writeDouble(line, Double.longBitsToDouble(bits));
			line.append('\n');
			lines.update(line.toString().getBytes(StandardCharsets.US_ASCII));
		}
		assertThat(HexFormat.of().formatHex(lines.digest())).isEqualTo(FIRST_100_000_LINES);
	}

	@Test
	void parseWhenObjectThenMapInDocumentOrder() {
		assertThat(parse("{\"b\":1,\"a\":2.5}")).isEqualTo(Map.of("b", 1L, "a", 2.5));
	}

	private static byte[] read(String name) throws IOException {
		try (InputStream in = Rfc8785VectorsTests.class.getResourceAsStream("/rfc8785-vectors/" + name)) {
			assertThat(in).as(name).isNotNull();
			return in.readAllBytes();
		}
	}

}
