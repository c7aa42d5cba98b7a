package dev.agentidp.bench;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The progress lines a benchmark prints while it runs, {@code [source HH:mm:ss] message}
 * (on standard output; {@code bench/run} reads only the table written to {@code --out}).
 */
final class ProgressLog {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private final String source;

	/**
	 * @param source who prints, e.g. {@code bench}
	 */
	ProgressLog(String source) {
		this.source = source;
	}

	/**
	 * Prints a progress line.
	 * @param format the message, a {@link String#format} pattern
	 * @param args its arguments
	 */
	void line(String format, Object... args) {
		Object[] all = new Object[args.length + 1];
		all[0] = LocalTime.now().format(TIME);
		System.arraycopy(args, 0, all, 1, args.length);
		System.out.printf(Locale.ROOT, "[" + this.source + " %s] " + format + "%n", all);
	}

}
