package dev.agentidp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One line of a benchmark's Markdown table: an operation and its runs (median throughput
 * with the range over the runs, median percentiles, errors, heap, CPU, load).
 */
final class ReportRow {

	final String name;

	private final int concurrency;

	private final List<ClosedLoop.Outcome> outcomes = new ArrayList<>();

	private final List<ProviderSampler.Samples> samples = new ArrayList<>();

	private String unavailable;

	ReportRow(String name, int concurrency) {
		this.name = name;
		this.concurrency = concurrency;
	}

	static ReportRow unavailable(String name, String why) {
		ReportRow row = new ReportRow(name, 0);
		row.unavailable = why;
		return row;
	}

	/**
	 * Adds a run's outcome to the row of that name, which is appended to the rows when
	 * there is none yet.
	 */
	static void add(List<ReportRow> rows, String name, int concurrency, ClosedLoop.Outcome outcome,
			ProviderSampler.Samples samples) {
		ReportRow row = rows.stream().filter((r) -> r.name.equals(name)).findFirst().orElse(null);
		if (row == null) {
			row = new ReportRow(name, concurrency);
			rows.add(row);
		}
		row.add(outcome, samples);
	}

	/**
	 * The table's header and separator lines.
	 * @param server what the heap and CPU columns are of ("provider", "Keycloak")
	 * @return two lines, each ending in a newline
	 */
	static String header(String server) {
		return "| operation | concurrency | throughput /s: median (min–max) | p50 ms | p95 ms | p99 ms | p99.9 ms | errors | "
				+ server + " heap max MiB | " + server + " CPU | PostgreSQL CPU | server CPU per request | "
				+ "load generator CPU | load average before → after |\n"
				+ "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
	}

	void add(ClosedLoop.Outcome outcome, ProviderSampler.Samples samples) {
		this.outcomes.add(outcome);
		this.samples.add(samples);
	}

	String format() {
		if (this.unavailable != null) {
			return "| " + this.name + " | | not available: " + this.unavailable.replace("|", "/")
					+ " | | | | | | | | | | | |";
		}
		double[] throughput = this.outcomes.stream().mapToDouble(ClosedLoop.Outcome::throughput).sorted().toArray();
		long errors = this.outcomes.stream().mapToLong(ClosedLoop.Outcome::errors).sum();
		double heap = this.samples.stream().mapToDouble(ProviderSampler.Samples::heapMaxMiB).max().orElse(0);
		double cpu = median(this.samples.stream().mapToDouble(ProviderSampler.Samples::providerCpu));
		double bench = median(this.samples.stream().mapToDouble(ProviderSampler.Samples::benchCpu));
		double database = median(this.samples.stream().mapToDouble(ProviderSampler.Samples::databaseCpu));
		double perRequest = median(java.util.stream.IntStream.range(0, this.outcomes.size())
			.mapToDouble((i) -> serverMicrosPerRequest(this.outcomes.get(i), this.samples.get(i))));
		String range = (throughput.length > 1)
				? String.format(Locale.ROOT, " (%,.0f–%,.0f)", throughput[0], throughput[throughput.length - 1]) : "";
		return String.format(Locale.ROOT,
				"| %s | %d | %,.0f%s | %.2f | %.2f | %.2f | %.2f | %d | %.0f | %.0f%% | %s | %s | %.0f%% | %s → %s |",
				this.name, this.concurrency, median(Arrays.stream(throughput)), range, percentile(50), percentile(95),
				percentile(99), percentile(99.9), errors, heap, cpu * 100,
				Double.isNaN(database) ? "–" : String.format(Locale.ROOT, "%.0f%%", database * 100),
				Double.isNaN(perRequest) ? "–" : String.format(Locale.ROOT, "%,.0f µs", perRequest), bench * 100,
				this.samples.get(0).loadBefore(), this.samples.get(this.samples.size() - 1).loadAfter());
	}

	/**
	 * Server CPU per request of a run: the server's and its PostgreSQL backends' CPU
	 * shares times the cores, over the throughput; NaN when either share is unknown.
	 */
	static double serverMicrosPerRequest(ClosedLoop.Outcome outcome, ProviderSampler.Samples samples) {
		if (Double.isNaN(samples.providerCpu()) || Double.isNaN(samples.databaseCpu()) || outcome.throughput() <= 0) {
			return Double.NaN;
		}
		return (samples.providerCpu() + samples.databaseCpu()) * Runtime.getRuntime().availableProcessors() * 1e6
				/ outcome.throughput();
	}

	private double percentile(double p) {
		return median(this.outcomes.stream().mapToDouble((o) -> o.percentileMillis(p)));
	}

	private static double median(java.util.stream.DoubleStream values) {
		double[] sorted = values.filter((v) -> !Double.isNaN(v)).sorted().toArray();
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return (sorted.length % 2 == 1) ? sorted[sorted.length / 2]
				: (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
	}

}
