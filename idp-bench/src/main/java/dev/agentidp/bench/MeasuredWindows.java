package dev.agentidp.bench;

import java.time.Duration;

/**
 * The measured windows of a benchmark: each operation runs in a {@link ClosedLoop} at
 * {@code --concurrency} for {@code --warmup} (not recorded) and then {@code --duration},
 * sampled by a {@link ProviderSampler}; its figures are printed as a progress line and
 * added to the operation's row of the {@link Report}.
 */
final class MeasuredWindows {

	/** Work done around a window's closed loop, while the sampler runs. */
	interface Bracket {

		void before() throws Exception;

		void after() throws Exception;

	}

	private final String server;

	private final ProviderSampler.Metrics metrics;

	private final Report report;

	private final ProgressLog log;

	private final int concurrency;

	private final int runs;

	private final Duration warmup;

	private final Duration duration;

	/** The server's PostgreSQL backends, or {@code null} without {@code --jdbc-url}. */
	private final DatabaseCpu database;

	/**
	 * @param server what the figures of heap and CPU are of ("provider", "Keycloak")
	 * @param metrics reads the server's metrics, for the samplers
	 * @param options {@code --concurrency}, {@code --runs}, {@code --warmup} and
	 * {@code --duration}; {@code --jdbc-url}, the server's database, whose backends' CPU
	 * is sampled too
	 * @param report where the rows go
	 * @param log where the progress lines go
	 */
	MeasuredWindows(String server, ProviderSampler.Metrics metrics, BenchOptions options, Report report,
			ProgressLog log) {
		this.server = server;
		this.metrics = metrics;
		this.report = report;
		this.log = log;
		this.concurrency = options.concurrency();
		this.runs = options.runs();
		this.warmup = options.warmup();
		this.duration = options.duration();
		this.database = databaseCpu(options.get("jdbc-url"), log);
	}

	private static DatabaseCpu databaseCpu(String jdbcUrl, ProgressLog log) {
		if (jdbcUrl == null) {
			return null;
		}
		try {
			return new DatabaseCpu(jdbcUrl);
		}
		catch (java.sql.SQLException ex) {
			log.line("PostgreSQL's CPU is not measured: %s", ex.getMessage());
			return null;
		}
	}

	int concurrency() {
		return this.concurrency;
	}

	/** {@code --runs}: how many windows each operation is measured in. */
	int runs() {
		return this.runs;
	}

	Duration warmup() {
		return this.warmup;
	}

	Duration duration() {
		return this.duration;
	}

	/**
	 * A sampler of the server, started; the caller closes it.
	 * @return the sampler
	 */
	ProviderSampler sampler() {
		return new ProviderSampler(this.metrics, this.database);
	}

	/**
	 * Runs an operation unmeasured, at {@code --concurrency}, for the initial warm-up.
	 * @param length how long
	 * @param operation the operation
	 */
	void warmUp(Duration length, ClosedLoop.Operation operation) throws InterruptedException {
		ClosedLoop.run(this.concurrency, length, Duration.ZERO, Long.MAX_VALUE, operation);
	}

	/**
	 * Measures one window of an operation and adds it to the operation's row.
	 * @param name the operation, as the row names it
	 * @param operation the operation
	 */
	void measure(String name, ClosedLoop.Operation operation) throws Exception {
		measure(name, operation, null);
	}

	/**
	 * Measures one window of an operation and adds it to the operation's row.
	 * @param name the operation, as the row names it
	 * @param operation the operation
	 * @param bracket what runs just before and after the closed loop, or {@code null}
	 */
	void measure(String name, ClosedLoop.Operation operation, Bracket bracket) throws Exception {
		ProviderSampler sampler = sampler();
		if (bracket != null) {
			bracket.before();
		}
		ClosedLoop.Outcome outcome = ClosedLoop.run(this.concurrency, this.warmup, this.duration, Long.MAX_VALUE,
				operation);
		if (bracket != null) {
			bracket.after();
		}
		sampler.close();
		ProviderSampler.Samples samples = sampler.samples();
		this.log.line(
				"%s: %,.0f/s p50 %.2f p95 %.2f p99 %.2f ms, %d errors%s, " + this.server
						+ " heap max %.0f MiB CPU %.0f%%, PostgreSQL CPU %.0f%%, bench CPU %.0f%%, load %s -> %s",
				name, outcome.throughput(), outcome.percentileMillis(50), outcome.percentileMillis(95),
				outcome.percentileMillis(99), outcome.errors(),
				(outcome.firstError() != null) ? " (first: " + outcome.firstError() + ")" : "", samples.heapMaxMiB(),
				samples.providerCpu() * 100, samples.databaseCpu() * 100, samples.benchCpu() * 100,
				samples.loadBefore(), samples.loadAfter());
		this.report.add(name, this.concurrency, outcome, samples);
	}

}
