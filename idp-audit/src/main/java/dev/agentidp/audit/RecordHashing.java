package dev.agentidp.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * The hash rule of docs/audit.md "Contract", computed here and nowhere else in the
 * provider (append and verify both call {@link #hash}): {@code hash} = lowercase hex
 * SHA-256 of the UTF-8 bytes of {@code prevHash + "\n" + JCS(record)}, where
 * {@code record} is the object of exactly the nine fields {@code chain, seq, occurredAt,
 * actor, action, target, decision, reason, details}. The nine names in RFC 8785 order
 * (UTF-16 code units) are {@code action, actor, chain, decision, details, occurredAt,
 * reason, seq, target}, so the canonical record is written straight in that order,
 * without building a map; {@code details} is spliced in as the canonical text that is
 * stored beside the record ({@code details_jcs}), never re-derived.
 * <p>
 * An instance keeps its buffers and digest between records (verify hashes a million
 * records without allocating per record beyond the JDBC strings); it is not thread-safe.
 */
final class RecordHashing {

	/** The {@code prevHash} of the first record of every chain. */
	static final String GENESIS = "0".repeat(64);

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private final MessageDigest sha256;

	private final StringBuilder text = new StringBuilder(512);

	private byte[] bytes = new byte[1024];

	private final char[] hex = new char[64];

	RecordHashing() {
		try {
			this.sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static void writeNullable(StringBuilder out, String value) {
		if (value == null) {
			out.append("null");
		}
		else {
			CanonicalJson.writeString(out, value);
		}
	}

	/**
	 * RFC 3339 UTC with milliseconds, e.g. {@code 2026-11-28T10:00:00.123Z}.
	 * @param instant the time (its sub-millisecond part is ignored)
	 * @return the text
	 */
	static String formatTime(Instant instant) {
		StringBuilder out = new StringBuilder(24);
		appendTime(out, instant.toEpochMilli());
		return out.toString();
	}

	/**
	 * Appends RFC 3339 UTC with milliseconds, without allocating ({@code java.time}
	 * formatting costs more than the hash here).
	 * @param out where to append
	 * @param epochMillis milliseconds since the epoch
	 */
	static void appendTime(StringBuilder out, long epochMillis) {
		long seconds = Math.floorDiv(epochMillis, 1000);
		int millis = (int) Math.floorMod(epochMillis, 1000);
		long days = Math.floorDiv(seconds, 86400);
		int secondOfDay = (int) Math.floorMod(seconds, 86400);
		// civil_from_days (H. Hinnant), proleptic Gregorian calendar
		long z = days + 719468;
		long era = Math.floorDiv(z, 146097);
		long dayOfEra = z - era * 146097;
		long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
		long year = yearOfEra + era * 400;
		long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
		long mp = (5 * dayOfYear + 2) / 153;
		int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
		int month = (int) ((mp < 10) ? mp + 3 : mp - 9);
		if (month <= 2) {
			year++;
		}
		pad(out, (int) year, 4);
		out.append('-');
		pad(out, month, 2);
		out.append('-');
		pad(out, day, 2);
		out.append('T');
		pad(out, secondOfDay / 3600, 2);
		out.append(':');
		pad(out, (secondOfDay / 60) % 60, 2);
		out.append(':');
		pad(out, secondOfDay % 60, 2);
		out.append('.');
		pad(out, millis, 3);
		out.append('Z');
	}

	private static void pad(StringBuilder out, int value, int width) {
		int digits = (value < 10) ? 1 : (value < 100) ? 2 : (value < 1000) ? 3 : (value < 10000) ? 4 : 5;
		for (int i = digits; i < width; i++) {
			out.append('0');
		}
		out.append(value);
	}

	/**
	 * The hash of a record: the one place the rule is computed, at append and at verify.
	 * @param prevHash the previous record's hash ({@link #GENESIS} for seq 1)
	 * @param chain the chain
	 * @param seq the sequence number
	 * @param occurredAtMillis the time in epoch milliseconds
	 * @param actor the actor or {@code null}
	 * @param action the action
	 * @param target the target or {@code null}
	 * @param decision {@code allow} or {@code deny}
	 * @param reason the reason or {@code null}
	 * @param canonicalDetails the details as RFC 8785 text, exactly as hashed and stored
	 * ({@code audit_record.details_jcs})
	 * @return the hash, lowercase hex, in a buffer reused by the next call
	 */
	char[] hash(String prevHash, String chain, long seq, long occurredAtMillis, String actor, String action,
			String target, String decision, String reason, CharSequence canonicalDetails) {
		StringBuilder out = this.text;
		out.setLength(0);
		out.append(prevHash).append('\n');
		// the nine members in RFC 8785 order (§3.2.3, UTF-16 code units)
		out.append("{\"action\":");
		CanonicalJson.writeString(out, action);
		out.append(",\"actor\":");
		writeNullable(out, actor);
		out.append(",\"chain\":");
		CanonicalJson.writeString(out, chain);
		out.append(",\"decision\":");
		CanonicalJson.writeString(out, decision);
		out.append(",\"details\":").append(canonicalDetails).append(",\"occurredAt\":\"");
		appendTime(out, occurredAtMillis);
		out.append("\",\"reason\":");
		writeNullable(out, reason);
		out.append(",\"seq\":").append(seq).append(",\"target\":");
		writeNullable(out, target);
		out.append('}');
		return digest(out);
	}

	private char[] digest(StringBuilder out) {
		int length = utf8(out);
		this.sha256.update(this.bytes, 0, length);
		byte[] sum = this.sha256.digest();
		for (int i = 0; i < sum.length; i++) {
			this.hex[2 * i] = HEX[(sum[i] >> 4) & 0xF];
			this.hex[2 * i + 1] = HEX[sum[i] & 0xF];
		}
		return this.hex;
	}

	private int utf8(CharSequence text) {
		int length = text.length();
		if (this.bytes.length < length * 3) {
			this.bytes = new byte[length * 3];
		}
		byte[] b = this.bytes;
		int j = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				b[j++] = (byte) c;
			}
			else if (c < 0x800) {
				b[j++] = (byte) (0xC0 | (c >> 6));
				b[j++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				int cp = Character.toCodePoint(c, text.charAt(++i));
				b[j++] = (byte) (0xF0 | (cp >> 18));
				b[j++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
				b[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
				b[j++] = (byte) (0x80 | (cp & 0x3F));
			}
			else {
				b[j++] = (byte) (0xE0 | (c >> 12));
				b[j++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				b[j++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		return j;
	}

	/**
	 * Whether a computed hash equals a stored one.
	 * @param computed the computed hash
	 * @param stored the stored hash
	 * @return true when equal
	 */
	static boolean matches(char[] computed, String stored) {
		if (stored == null || stored.length() != computed.length) {
			return false;
		}
		for (int i = 0; i < computed.length; i++) {
			if (computed[i] != stored.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
