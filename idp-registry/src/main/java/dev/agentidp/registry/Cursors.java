package dev.agentidp.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Opaque cursors of the agents' pages ({@link AgentListQuery}, {@link AgentVersionRows}):
 * base64url of a tagged position, so they can change without notice.
 */
final class Cursors {

	private Cursors() {
	}

	record AgentPosition(Instant createdAt, AgentId id) {
	}

	static String encodeAgent(AgentPosition position) {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, position.createdAt());
		return encode("a1:" + micros + ":" + position.id());
	}

	static AgentPosition decodeAgent(String cursor) {
		String[] parts = decode(cursor).split(":");
		try {
			if (parts.length == 3 && parts[0].equals("a1")) {
				return new AgentPosition(Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS),
						AgentId.of(parts[2]));
			}
		}
		catch (RuntimeException ex) {
			// fall through
		}
		throw invalid();
	}

	static String encodeVersion(long version) {
		return encode("v1:" + version);
	}

	static long decodeVersion(String cursor) {
		String[] parts = decode(cursor).split(":");
		try {
			if (parts.length == 2 && parts[0].equals("v1")) {
				return Long.parseLong(parts[1]);
			}
		}
		catch (NumberFormatException ex) {
			// fall through
		}
		throw invalid();
	}

	private static String encode(String value) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

	private static String decode(String cursor) {
		if (cursor.length() > 256) {
			throw invalid();
		}
		try {
			return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw invalid();
		}
	}

	private static InvalidInputException invalid() {
		return new InvalidInputException("cursor", "is not a cursor this server issued");
	}

}
