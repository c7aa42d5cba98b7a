package dev.agentidp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU that PostgreSQL spends for the server under test: the user and system time
 * ({@code /proc/<pid>/stat}, fields 14 and 15, in clock ticks) of the backend processes
 * connected to its database ({@code pg_stat_activity}), this sampler's own excluded, as a
 * fraction of all cores between two samples. PostgreSQL's shared processes (WAL writer,
 * checkpointer, background writer) serve every database on the machine and are not
 * counted, so the figure is a floor. Only meaningful when PostgreSQL runs on this machine
 * (the benchmark targets 127.0.0.1 only). Issue 22: "CPU per request for the provider JVM
 * and for PostgreSQL separately (from /proc ...)".
 */
final class DatabaseCpu implements AutoCloseable {

	/** USER_HZ, the unit of {@code /proc/<pid>/stat} times on Linux. */
	private static final double TICKS_PER_SECOND = 100;

	private final Connection connection;

	private final int cores = Runtime.getRuntime().availableProcessors();

	/** Each backend's CPU ticks at the last sample. */
	private Map<Integer, Long> last = new HashMap<>();

	private long lastNanos;

	/**
	 * @param jdbcUrl the database whose backends are counted
	 * @throws SQLException when it cannot be reached
	 */
	DatabaseCpu(String jdbcUrl) throws SQLException {
		this.connection = DriverManager.getConnection(jdbcUrl);
		this.last = ticks();
		this.lastNanos = System.nanoTime();
	}

	/**
	 * The backends' CPU since the last sample, as a fraction of all cores. A backend
	 * first seen now counts from now; one gone since counts up to the last sample only.
	 * @return the fraction, or {@code -1} when it could not be read
	 */
	synchronized double sample() {
		try {
			Map<Integer, Long> now = ticks();
			long nanos = System.nanoTime();
			long used = 0;
			for (Map.Entry<Integer, Long> entry : now.entrySet()) {
				Long before = this.last.get(entry.getKey());
				if (before != null) {
					used += Math.max(0, entry.getValue() - before);
				}
			}
			double seconds = (nanos - this.lastNanos) / 1e9;
			this.last = now;
			this.lastNanos = nanos;
			return (seconds > 0) ? used / TICKS_PER_SECOND / seconds / this.cores : -1;
		}
		catch (SQLException ex) {
			return -1;
		}
	}

	private Map<Integer, Long> ticks() throws SQLException {
		Map<Integer, Long> ticks = new HashMap<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet backends = statement.executeQuery("SELECT pid FROM pg_stat_activity"
						+ " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
			while (backends.next()) {
				int pid = backends.getInt(1);
				long cpu = cpuTicks(pid);
				if (cpu >= 0) {
					ticks.put(pid, cpu);
				}
			}
		}
		return ticks;
	}

	/** utime + stime of a process, or -1 when it is gone or not on this machine. */
	static long cpuTicks(int pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
			// the command name (field 2) may hold spaces: the fields after it follow ')'
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		try {
			this.connection.close();
		}
		catch (SQLException ex) {
			// closing a sampler's connection cannot fail a benchmark
		}
	}

}
