package dev.agentidp.app;

import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the PostgreSQL driver logs about the statements it runs (its query executor's
 * {@code java.util.logging} records at {@code FINEST}), passed to a test that counts
 * round trips; each message reaches the listener on the thread that ran the statement.
 * Opened before a test and closed after it, which restores the driver's level.
 */
final class DriverLog implements AutoCloseable {

	private static final Logger DRIVER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

	private final Handler handler;

	private final Level level;

	private DriverLog(Consumer<String> listener) {
		this.level = DRIVER.getLevel();
		this.handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				if (record.getMessage() != null) {
					listener.accept(record.getMessage());
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		DRIVER.setLevel(Level.FINEST);
		DRIVER.addHandler(this.handler);
	}

	/**
	 * Starts passing the driver's messages to a listener.
	 * @param listener gets each message (unformatted) on the statement's thread
	 * @return the log, to close after the test
	 */
	static DriverLog listen(Consumer<String> listener) {
		return new DriverLog(listener);
	}

	@Override
	public void close() {
		DRIVER.removeHandler(this.handler);
		DRIVER.setLevel(this.level);
	}

}
