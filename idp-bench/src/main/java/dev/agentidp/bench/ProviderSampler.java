package dev.agentidp.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Samples, once a second while a phase runs, the server's heap in use
 * ({@code jvm_memory_used_bytes{area="heap"}} summed over the pools) and its CPU
 * ({@code process_cpu_usage}, a fraction of the whole machine) from its Prometheus
 * metrics (the provider's {@code /actuator/prometheus}, or Keycloak's {@code /metrics}),
 * and this process's own CPU, so that the report shows what the load generator took from
 * the shared cores; and, given its database, the CPU of the server's PostgreSQL backends
 * ({@link DatabaseCpu}).
 */
final class ProviderSampler implements AutoCloseable {

	/**
	 * What the samples gave.
	 *
	 * @param heapMaxMiB the largest heap in use seen
	 * @param providerCpu the provider's mean CPU (fraction of all cores)
	 * @param benchCpu this process's mean CPU (fraction of all cores)
	 * @param loadBefore the load average when the phase began
	 * @param loadAfter the load average when it ended
	 * @param databaseCpu the mean CPU of the server's PostgreSQL backends (fraction of
	 * all cores), or NaN when not measured
	 */
	record Samples(double heapMaxMiB, double providerCpu, double benchCpu, String loadBefore, String loadAfter,
			double databaseCpu) {

	}

	/** Reads the server's metrics in the Prometheus text format. */
	@FunctionalInterface
	interface Metrics {

		String read() throws Exception;

	}

	private final Metrics metrics;

	private final DatabaseCpu database;

	private double databaseCpuSum;

	private int databaseCount;

	private final Thread thread;

	private final String loadBefore;

	private volatile boolean running = true;

	private double heapMax;

	private double cpuSum;

	private double benchCpuSum;

	private int count;

	private int benchCount;

	ProviderSampler(Metrics metrics) {
		this(metrics, null);
	}

	/**
	 * @param metrics the server's metrics
	 * @param database its database's backends, or {@code null}
	 */
	ProviderSampler(Metrics metrics, DatabaseCpu database) {
		this.metrics = metrics;
		this.database = database;
		if (database != null) {
			// the window's CPU counts from now
			database.sample();
		}
		this.loadBefore = loadAverage();
		this.thread = Thread.ofPlatform().daemon().name("bench-sampler").start(this::loop);
	}

	private void loop() {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		os.getProcessCpuLoad();
		while (this.running) {
			try {
				Thread.sleep(1000);
				double bench = os.getProcessCpuLoad();
				double db = (this.database != null) ? this.database.sample() : -1;
				String text = this.metrics.read();
				double heap = 0;
				double cpu = -1;
				for (String line : text.split("\n")) {
					if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
						heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
					}
					else if (line.startsWith("process_cpu_usage ")) {
						// one line per node when the metrics are several nodes' (summed)
						cpu = Math.max(cpu, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
					}
				}
				synchronized (this) {
					this.heapMax = Math.max(this.heapMax, heap);
					if (cpu >= 0) {
						this.cpuSum += cpu;
						this.count++;
					}
					if (bench >= 0) {
						this.benchCpuSum += bench;
						this.benchCount++;
					}
					if (db >= 0) {
						this.databaseCpuSum += db;
						this.databaseCount++;
					}
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				// a missed sample is not a failure of the phase
			}
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(6000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	synchronized Samples samples() {
		return new Samples(this.heapMax / (1024 * 1024), (this.count > 0) ? this.cpuSum / this.count : Double.NaN,
				(this.benchCount > 0) ? this.benchCpuSum / this.benchCount : Double.NaN, this.loadBefore, loadAverage(),
				(this.databaseCount > 0) ? this.databaseCpuSum / this.databaseCount : Double.NaN);
	}

	/**
	 * The provider's metrics, {@code /actuator/prometheus}.
	 * @param client the provider
	 * @return their reader
	 */
	static Metrics actuator(ProviderClient client) {
		return () -> client.get("/actuator/prometheus", null, Duration.ofSeconds(5)).body();
	}

	/**
	 * Another server's metrics at a URL on 127.0.0.1 (Keycloak's {@code /metrics} on its
	 * management port), read by a JDK client of their own.
	 * @param url the metrics' URL
	 * @return their reader
	 */
	static Metrics prometheus(String url) {
		URI uri = URI.create(url);
		if (!"127.0.0.1".equals(uri.getHost())) {
			throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + url);
		}
		HttpClient http = ProviderClient.httpClient();
		return () -> http
			.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	/**
	 * Several nodes' metrics as one: their texts one after the other, so that the heap
	 * and the CPU of the nodes add up.
	 * @param nodes each node's reader
	 * @return their reader
	 */
	static Metrics all(java.util.List<Metrics> nodes) {
		return () -> {
			StringBuilder text = new StringBuilder();
			for (Metrics node : nodes) {
				text.append(node.read()).append('\n');
			}
			return text.toString();
		};
	}

	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (Exception ex) {
			return "?";
		}
	}

}
