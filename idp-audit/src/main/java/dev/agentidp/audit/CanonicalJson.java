package dev.agentidp.audit;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): writes the canonical text of a record's
 * details (stored as hashed, {@code audit_record.details_jcs}, and never parsed back for
 * the hash) and of the fields around them.
 * <p>
 * Written by hand, on purpose: no maintained JCS implementation for Java is available to
 * this build (the one Java port, {@code io.github.erdtman:java-json-canonicalization}, is
 * a single-author project without releases since 2020, and neither it nor
 * {@code com.apicatalog:titanium-jcs} is in the registry subset this project draws from),
 * and the trail writes only Java values, so it needs a writer and no parser. It is
 * cross-checked against the reference implementation's test vectors
 * ({@code Rfc8785VectorsTests}) and, through every export, against the npm
 * {@code canonicalize} package that the offline verifier uses. The number serialization
 * is ECMAScript's {@code Number.prototype.toString} (RFC 8785 §3.2.2.3), derived from
 * {@link Double#toString(double)}, which since JDK 19 yields the shortest decimal that
 * rounds to the double; the one case where Java and ECMAScript choose differently (Java
 * never answers with one digit) is corrected below. Tested with the RFC's test vectors
 * ({@code CanonicalJsonTests}).
 * <p>
 * Values: {@code null}, {@link CharSequence}, {@link Boolean}, {@link Number} (every
 * number is an IEEE 754 double, as RFC 8785 §3.2.2.3 requires), {@link Map} (keys sorted
 * by UTF-16 code units), {@link Collection} and arrays; enums as their name,
 * {@link Decision} as its value, anything else as its {@code toString()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8785">RFC 8785</a>
 */
final class CanonicalJson {

	private static final long MAX_SAFE_INTEGER = 1L << 53;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private CanonicalJson() {
	}

	/**
	 * The canonical JSON text of a value.
	 * @param value the value
	 * @return its RFC 8785 form
	 */
	static String write(Object value) {
		StringBuilder out = new StringBuilder(64);
		write(out, value);
		return out.toString();
	}

	/**
	 * Appends the canonical JSON text of a value.
	 * @param out where to append
	 * @param value the value
	 * @throws IllegalArgumentException for NaN, infinities or lone surrogates
	 */
	@SuppressWarnings("unchecked")
	static void write(StringBuilder out, Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof CharSequence text) {
			writeString(out, text);
		}
		else if (value instanceof Boolean bool) {
			out.append(bool ? "true" : "false");
		}
		else if (value instanceof Number number) {
			writeNumber(out, number);
		}
		else if (value instanceof Map<?, ?> map) {
			writeObject(out, (Map<Object, Object>) map);
		}
		else if (value instanceof Collection<?> collection) {
			writeArray(out, collection);
		}
		else if (value instanceof Object[] array) {
			writeArray(out, Arrays.asList(array));
		}
		else if (value instanceof Decision decision) {
			writeString(out, decision.value());
		}
		else if (value instanceof Enum<?> constant) {
			writeString(out, constant.name());
		}
		else {
			writeString(out, value.toString());
		}
	}

	private static void writeObject(StringBuilder out, Map<Object, Object> map) {
		int size = map.size();
		if (size == 0) {
			out.append("{}");
			return;
		}
		String[] keys = new String[size];
		Object[] values = new Object[size];
		int i = 0;
		for (Map.Entry<Object, Object> entry : map.entrySet()) {
			keys[i] = String.valueOf(entry.getKey());
			values[i] = entry.getValue();
			i++;
		}
		// RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units, which is
		// exactly String#compareTo
		Integer[] order = new Integer[size];
		for (int j = 0; j < size; j++) {
			order[j] = j;
		}
		Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
		out.append('{');
		for (int j = 0; j < size; j++) {
			if (j > 0) {
				out.append(',');
			}
			writeString(out, keys[order[j]]);
			out.append(':');
			write(out, values[order[j]]);
		}
		out.append('}');
	}

	private static void writeArray(StringBuilder out, Collection<?> values) {
		out.append('[');
		boolean first = true;
		for (Object value : values) {
			if (!first) {
				out.append(',');
			}
			write(out, value);
			first = false;
		}
		out.append(']');
	}

	/**
	 * Appends a JSON string as RFC 8785 §3.2.2.2 serializes it.
	 * @param out where to append
	 * @param text the string
	 */
	static void writeString(StringBuilder out, CharSequence text) {
		out.append('"');
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
					}
					else if (Character.isHighSurrogate(c)) {
						if (i + 1 >= length || !Character.isLowSurrogate(text.charAt(i + 1))) {
							throw new IllegalArgumentException("Lone surrogate in a string (RFC 8785 §3.2.2.2)");
						}
						out.append(c).append(text.charAt(++i));
					}
					else if (Character.isLowSurrogate(c)) {
						throw new IllegalArgumentException("Lone surrogate in a string (RFC 8785 §3.2.2.2)");
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	private static void writeNumber(StringBuilder out, Number number) {
		if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
			long value = number.longValue();
			if (value > -MAX_SAFE_INTEGER && value < MAX_SAFE_INTEGER) {
				out.append(value);
				return;
			}
		}
		// BigDecimal, BigInteger, Double, Float: as the IEEE 754 double they denote
		writeDouble(out, number.doubleValue());
	}

	/**
	 * Appends a double as ECMAScript's {@code Number.prototype.toString} does (RFC 8785
	 * §3.2.2.3).
	 * @param out where to append
	 * @param value the number
	 * @throws IllegalArgumentException for NaN and infinities
	 */
	static void writeDouble(StringBuilder out, double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			throw new IllegalArgumentException("NaN and Infinity are not JSON numbers (RFC 8785 §3.2.2.3)");
		}
		if (value == 0) {
			out.append('0');
			return;
		}
		if (value == Math.rint(value) && Math.abs(value) < MAX_SAFE_INTEGER) {
			out.append((long) value);
			return;
		}
		double magnitude = Math.abs(value);
		// Decompose Java's shortest representation into digits and an exponent:
		// magnitude = digits * 10^exponent
		String java = Double.toString(magnitude);
		int e = java.indexOf('E');
		String mantissa = (e < 0) ? java : java.substring(0, e);
		int exponent = (e < 0) ? 0 : Integer.parseInt(java.substring(e + 1));
		int point = mantissa.indexOf('.');
		String fraction = mantissa.substring(point + 1);
		StringBuilder digits = new StringBuilder(mantissa.length()).append(mantissa, 0, point).append(fraction);
		exponent -= fraction.length();
		while (digits.length() > 1 && digits.charAt(0) == '0') {
			digits.deleteCharAt(0);
		}
		while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') {
			digits.setLength(digits.length() - 1);
			exponent++;
		}
		String s = digits.toString();
		if (s.length() == 2) {
			// Java never answers with one digit; ECMAScript does whenever one suffices
			String one = oneDigit(s, exponent, magnitude);
			if (one != null) {
				s = one.substring(0, 1);
				exponent = Integer.parseInt(one.substring(2));
			}
		}
		int k = s.length();
		int n = k + exponent;
		if (value < 0) {
			out.append('-');
		}
		if (k <= n && n <= 21) {
			out.append(s);
			out.repeat('0', n - k);
		}
		else if (0 < n && n <= 21) {
			out.append(s, 0, n).append('.').append(s, n, k);
		}
		else if (-6 < n && n <= 0) {
			out.append("0.");
			out.repeat('0', -n);
			out.append(s);
		}
		else {
			int exp = n - 1;
			out.append(s.charAt(0));
			if (k > 1) {
				out.append('.').append(s, 1, k);
			}
			out.append('e').append((exp < 0) ? '-' : '+').append(Math.abs(exp));
		}
	}

	/**
	 * A one-digit decimal ({@code "d;exponent"}) that rounds to the same double as the
	 * two digits {@code s} times ten to {@code exponent}, the nearer one first, or
	 * {@code null}.
	 */
	private static String oneDigit(String s, int exponent, double magnitude) {
		int first = s.charAt(0) - '0';
		int second = s.charAt(1) - '0';
		int nearer = (second > 5 || (second == 5 && first % 2 == 1)) ? first + 1 : first;
		int farther = (nearer == first) ? first + 1 : first;
		for (int candidate : new int[] { nearer, farther }) {
			if (candidate == 0) {
				continue;
			}
			int digit = candidate;
			int exp = exponent + 1;
			if (candidate == 10) {
				digit = 1;
				exp++;
			}
			if (Double.parseDouble(digit + "E" + exp) == magnitude) {
				return digit + ";" + exp;
			}
		}
		return null;
	}

}
