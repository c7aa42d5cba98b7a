package dev.agentidp.db.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Waits, in a test, until a PostgreSQL session waits for a lock: the moment a test that
 * races two transactions lets the first one go on. Reads {@code pg_stat_activity} with
 * plain JDBC, and on a time-out names every session of the database and what it waits
 * for, so that a failure says where the race stood.
 */
public final class LockWaits {

	private static final String WAITING = "SELECT count(*) FROM pg_stat_activity"
			+ " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ?";

	private static final String SESSIONS = "SELECT coalesce(wait_event_type, '-') || ' ' || coalesce(state, '-')"
			+ " || ' ' || left(query, 100) FROM pg_stat_activity WHERE datname = current_database()";

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private LockWaits() {
	}

	/**
	 * Returns once a session of the database runs a statement matching
	 * {@code likePattern} and waits for a lock.
	 * @param dataSource the database
	 * @param likePattern a SQL {@code LIKE} pattern over the waiting session's statement
	 * @param what what is expected to wait, for the failure's message
	 * @throws AssertionError when no session waited within 30 seconds
	 */
	public static void awaitWaiting(DataSource dataSource, String likePattern, String what)
			throws InterruptedException {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		try (Connection connection = dataSource.getConnection()) {
			while (System.nanoTime() < deadline) {
				if (waiting(connection, likePattern) > 0) {
					return;
				}
				Thread.sleep(20);
			}
			throw new AssertionError(what + " never waited for a lock within " + PATIENCE.toSeconds()
					+ " s; the database's sessions: " + sessions(connection));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("pg_stat_activity could not be read", ex);
		}
	}

	private static long waiting(Connection connection, String likePattern) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(WAITING)) {
			statement.setString(1, likePattern);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	private static List<String> sessions(Connection connection) throws SQLException {
		List<String> sessions = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(SESSIONS);
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				sessions.add(rs.getString(1));
			}
		}
		return sessions;
	}

}
