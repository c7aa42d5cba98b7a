package dev.agentidp.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL's autovacuum keeps the planner's statistics current. Where it is off (the CI
 * configuration of this machine's PostgreSQL turns it off), the provider's cached
 * statements keep the plans made while the tables were nearly empty: sequential scans
 * that grow with the tables (a revocation of 100 descendants went from a few ms to
 * 35–1,000 ms, scanning {@code issued_token}). So that the figures are those of a
 * database as deployed, {@code ANALYZE} then runs every 30 s in its place, and the report
 * says so.
 */
final class AutovacuumStandIn {

	private AutovacuumStandIn() {
	}

	/**
	 * Starts running {@code ANALYZE} every 30 s on a daemon thread when autovacuum is
	 * off.
	 * @param jdbcUrl the provider's database, or {@code null} (then nothing is done)
	 * @param report where the note goes
	 * @param log where the progress line goes
	 */
	static void startWhenNeeded(String jdbcUrl, Report report, ProgressLog log) throws SQLException {
		if (jdbcUrl == null) {
			return;
		}
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				ResultSet autovacuum = connection.createStatement().executeQuery("SHOW autovacuum")) {
			if (!autovacuum.next() || !"off".equals(autovacuum.getString(1))) {
				return;
			}
		}
		log.line("autovacuum is off on this PostgreSQL: ANALYZE runs every 30 s in its place");
		report.note("PostgreSQL's autovacuum is off on this machine (its CI configuration): the load generator ran "
				+ "ANALYZE on the provider's database every 30 s in its place, as autovacuum would keep the "
				+ "statistics of a deployed database current.");
		Thread.ofPlatform().daemon().name("bench-analyze").start(() -> {
			while (true) {
				try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
					connection.createStatement().execute("ANALYZE");
					Thread.sleep(30_000);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (SQLException ex) {
					System.err.println("ANALYZE failed: " + ex.getMessage());
					return;
				}
			}
		});
	}

}
