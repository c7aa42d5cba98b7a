package dev.agentidp.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What Keycloak's PostgreSQL does per request: its database's committed transactions and
 * rows written ({@code pg_stat_database}) over each measured window, warm-up included,
 * summed per operation over the runs and divided by the window's requests for the report.
 * Nothing without {@code --jdbc-url}.
 */
final class KeycloakDatabaseLoad {

	private final String jdbcUrl;

	/** Per measured operation: requests, PostgreSQL commits, rows written. */
	private final Map<String, long[]> sums = new LinkedHashMap<>();

	/**
	 * @param jdbcUrl Keycloak's database, or {@code null}
	 */
	KeycloakDatabaseLoad(String jdbcUrl) {
		this.jdbcUrl = jdbcUrl;
	}

	/**
	 * Counts a window's requests and its database's work.
	 * @param name the operation
	 * @param calls the window's requests, counted by its operation
	 * @return what reads the counters before and after the window
	 */
	MeasuredWindows.Bracket window(String name, AtomicLong calls) {
		return new MeasuredWindows.Bracket() {

			private long[] before;

			@Override
			public void before() throws Exception {
				this.before = counters();
			}

			@Override
			public void after() throws Exception {
				long[] after = counters();
				if (this.before != null && after != null) {
					long[] sums = KeycloakDatabaseLoad.this.sums.computeIfAbsent(name, (n) -> new long[3]);
					sums[0] += calls.get();
					sums[1] += after[0] - this.before[0];
					sums[2] += after[1] - this.before[1];
				}
			}

		};
	}

	/**
	 * Keycloak's database's committed transactions and rows written so far
	 * ({@code pg_stat_database}), or {@code null} without {@code --jdbc-url}. A backend
	 * publishes its counts at most once a second, and within about a second of going
	 * idle: the read waits 1.5 s first, so that the previous requests are counted.
	 */
	private long[] counters() throws SQLException, InterruptedException {
		if (this.jdbcUrl == null) {
			return null;
		}
		Thread.sleep(1500);
		try (Connection connection = DriverManager.getConnection(this.jdbcUrl);
				ResultSet result = connection.createStatement()
					.executeQuery("SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
							+ "WHERE datname = current_database()")) {
			result.next();
			return new long[] { result.getLong(1), result.getLong(2) };
		}
	}

	/**
	 * Appends the report's paragraph, when there are figures.
	 * @param out the text
	 */
	void appendTo(StringBuilder out) {
		if (this.sums.isEmpty()) {
			return;
		}
		out.append(String.format(Locale.ROOT, "%nKeycloak's PostgreSQL per request (pg_stat_database of its "
				+ "database over each phase, warm-up included, divided by the phase's requests):"));
		this.sums
			.forEach((name, sums) -> out.append(String.format(Locale.ROOT, " %s: %.2f transactions, %.2f rows written;",
					name, (double) sums[1] / sums[0], (double) sums[2] / sums[0])));
		out.setLength(out.length() - 1);
		out.append(".\n");
	}

}
