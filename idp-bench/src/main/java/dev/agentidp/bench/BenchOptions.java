package dev.agentidp.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A benchmark's command line: {@code --name value} pairs, and the options that
 * {@link IdpBenchmark} and {@link KeycloakBenchmark} share, with their defaults
 * ({@code --concurrency} 16, {@code --runs} 3, {@code --warmup} 5 s, {@code --duration}
 * 15 s, {@code --initial-warmup} 120 s).
 */
final class BenchOptions {

	private final Map<String, String> values;

	private BenchOptions(Map<String, String> values) {
		this.values = values;
	}

	/**
	 * The command line's {@code --name value} pairs.
	 * @param args the arguments
	 * @return the options by name, in order
	 */
	static BenchOptions parse(String[] args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
			}
			values.put(args[i].substring(2), args[++i]);
		}
		return new BenchOptions(values);
	}

	/**
	 * An option as given.
	 * @param name the option's name, without {@code --}
	 * @return its value, or {@code null} when it was not given
	 */
	String get(String name) {
		return this.values.get(name);
	}

	/**
	 * An option as given, or its default.
	 * @param name the option's name, without {@code --}
	 * @param fallback the default
	 * @return its value
	 */
	String get(String name, String fallback) {
		return this.values.getOrDefault(name, fallback);
	}

	int intValue(String name, String fallback) {
		return Integer.parseInt(get(name, fallback));
	}

	long longValue(String name, String fallback) {
		return Long.parseLong(get(name, fallback));
	}

	/** {@code --concurrency}: the load threads of a measured window. */
	int concurrency() {
		return intValue("concurrency", "16");
	}

	/** {@code --runs}: the repetitions of each measured operation. */
	int runs() {
		return intValue("runs", "3");
	}

	/** {@code --warmup}: the unmeasured seconds before each measured window. */
	Duration warmup() {
		return Duration.ofSeconds(longValue("warmup", "5"));
	}

	/** {@code --duration}: the seconds of each measured window. */
	Duration duration() {
		return Duration.ofSeconds(longValue("duration", "15"));
	}

	/**
	 * {@code --open-loop}: the share (above 0, at most 1) of each closed-loop window's
	 * throughput at which an open-loop window follows it; 0 (the default) for none.
	 */
	double openLoopShare() {
		double share = Double.parseDouble(get("open-loop", "0"));
		if (!(share >= 0 && share <= 1)) {
			throw new IllegalArgumentException("--open-loop must be a share between 0 and 1, e.g. 0.7");
		}
		return share;
	}

	/** {@code --initial-warmup}: the unmeasured seconds before the first run. */
	long initialWarmupSeconds() {
		return longValue("initial-warmup", "120");
	}

}
