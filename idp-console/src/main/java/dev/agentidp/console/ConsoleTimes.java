package dev.agentidp.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console writes an instant: {@code 2026-12-01 18:44:13 UTC}. */
final class ConsoleTimes {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private ConsoleTimes() {
	}

	static String text(Instant instant) {
		return (instant != null) ? FORMAT.format(instant) : null;
	}

}
