package dev.agentidp.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Logs the output of the embedded PostgreSQL's {@code initdb} at DEBUG instead of zonky's
 * INFO: its closing advice ("You can now start the database server using: pg_ctl ...")
 * misleads a user of the provider, which starts the server itself. zonky logs every line
 * of the programs it runs through its own logger at INFO, from a thread named after the
 * program ({@code log:initdb:pid(N)}); the server's own lines (a refused start, a crash
 * recovery) stay at INFO. Logback cannot lower an event's level, so a line below DEBUG's
 * threshold is dropped, and kept when that logger is set to DEBUG.
 */
final class InitdbOutputFilter extends TurboFilter {

	private static final String ZONKY_LOGGER = EmbeddedPostgres.class.getName();

	/** Adds the filter once to Logback, when Logback is the logging system. */
	static void install() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
				&& context.getTurboFilterList().stream().noneMatch(InitdbOutputFilter.class::isInstance)) {
			InitdbOutputFilter filter = new InitdbOutputFilter();
			filter.start();
			context.addTurboFilter(filter);
		}
	}

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		if (logger != null && level == Level.INFO && ZONKY_LOGGER.equals(logger.getName())
				&& Thread.currentThread().getName().contains("initdb:pid(")) {
			return logger.isDebugEnabled() ? FilterReply.NEUTRAL : FilterReply.DENY;
		}
		return FilterReply.NEUTRAL;
	}

}
