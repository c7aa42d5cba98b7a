package dev.agentidp.app;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a database that cannot be reached at start-up (a wrong
 * {@code spring.datasource.url}, a server that is down, a wrong user, password or
 * database name) in one paragraph instead of Flyway's and Hikari's stack traces. SQL
 * states (PostgreSQL, appendix A): class 08 connection exception, class 28 invalid
 * authorization, 3D000 no such database.
 */
class DatabaseConnectionFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

	private final Environment environment;

	DatabaseConnectionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
		SQLException connection = connectionFailure(cause);
		if (connection == null) {
			return null;
		}
		String url = (this.environment != null) ? this.environment.getProperty("spring.datasource.url") : null;
		String where = (url != null && !url.isBlank()) ? "the database at spring.datasource.url=" + withoutPassword(url)
				: "the embedded database";
		return new FailureAnalysis(
				"The provider cannot connect to " + where + ": " + connection.getMessage() + " (SQL state "
						+ connection.getSQLState() + ").",
				"Check spring.datasource.url (jdbc:postgresql://HOST:PORT/DATABASE), spring.datasource.username and"
						+ " spring.datasource.password, and that PostgreSQL runs and accepts connections from this host;"
						+ " or leave spring.datasource.url unset to use the embedded PostgreSQL.",
				cause);
	}

	private static SQLException connectionFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && (sql.getSQLState().startsWith("08")
					|| sql.getSQLState().startsWith("28") || "3D000".equals(sql.getSQLState()))) {
				return sql;
			}
		}
		return null;
	}

	/** A URL may carry {@code password=...}: never print it. */
	static String withoutPassword(String url) {
		return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
	}

}
