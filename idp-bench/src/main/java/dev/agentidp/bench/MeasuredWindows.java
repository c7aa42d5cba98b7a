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

	/**
	 * {@code --open-loop}: after each closed-loop window, an open-loop window at this
	 * share of the throughput it measured ({@link OpenLoop}), or 0 for none.
	 */
	private final double openLoop;

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
		this.openLoop = options.openLoopShare();
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
		if (this.openLoop > 0 && bracket == null && outcome.throughput() > 0) {
			measureOpenLoop(name, operation, this.openLoop * outcome.throughput());
		}
	}

	/**
	 * An open-loop window at a fixed rate, right after the closed loop that measured the
	 * maximum (so warm already: a short warm-up of its own), added to a row of its own.
	 */
	private void measureOpenLoop(String name, ClosedLoop.Operation operation, double rate) throws Exception {
		ProviderSampler sampler = sampler();
		OpenLoop.Outcome open = OpenLoop.run(this.concurrency, rate, Duration.ofSeconds(2), this.duration, operation);
		sampler.close();
		ProviderSampler.Samples samples = sampler.samples();
		ClosedLoop.Outcome outcome = open.outcome();
		String row = String.format(java.util.Locale.ROOT, "%s, open loop at %.0f%% of that maximum", name,
				this.openLoop * 100);
		this.log.line(
				"%s: %,.0f/s asked, %,.0f/s answered, p50 %.2f p99 %.2f p99.9 %.2f ms (from the due time),"
						+ " %d late, %d errors%s, " + this.server + " CPU %.0f%%, PostgreSQL CPU %.0f%%",
				row, open.rate(), outcome.throughput(), outcome.percentileMillis(50), outcome.percentileMillis(99),
				outcome.percentileMillis(99.9), open.late(), outcome.errors(),
				(outcome.firstError() != null) ? " (first: " + outcome.firstError() + ")" : "",
				samples.providerCpu() * 100, samples.databaseCpu() * 100);
		this.report.add(row, this.concurrency, outcome, samples);
	}

}
