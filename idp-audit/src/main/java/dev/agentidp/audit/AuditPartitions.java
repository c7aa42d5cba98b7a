package dev.agentidp.audit;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.Assert;

/**
 * Keeps the audit trail's partitions (one per UTC month, V26) made ahead: last month's,
 * this month's and the next {@value #MONTHS_AHEAD} months', each refusing
 * {@code TRUNCATE} as the trail does (a statement trigger is not cloned to partitions, so
 * the database function puts it on every partition without it, however that partition was
 * made). Runs once while the application starts, before it serves (there is no DEFAULT
 * partition: a record whose month has no partition cannot be appended), then every hour;
 * idempotent and safe on every node at once (an advisory lock). The provider never drops
 * or detaches an audit partition: records are kept (docs/audit.md).
 */
final class AuditPartitions implements SmartInitializingSingleton {

	/** Three months ahead: this job may fail for weeks before an append would. */
	static final int MONTHS_AHEAD = 3;

	private static final String ENSURE = "SELECT audit_record_ensure_partitions(?, ?)";

	private static final Logger logger = LoggerFactory.getLogger(AuditPartitions.class);

	private final JdbcClient jdbc;

	private final Clock clock;

	AuditPartitions(JdbcClient jdbc, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Once every singleton exists (the schema migrated by then) and before the web server
	 * is started.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		ensure();
	}

	/**
	 * Makes the missing partitions from last month to {@value #MONTHS_AHEAD} months
	 * ahead, and guards every partition against {@code TRUNCATE}.
	 * @return how many partitions were made
	 */
	@Scheduled(initialDelayString = "PT1H", fixedDelayString = "PT1H")
	public int ensure() {
		LocalDate month = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC).withDayOfMonth(1);
		LocalDate last = month.plusMonths(MONTHS_AHEAD);
		int made = this.jdbc.sql(ENSURE).params(month.minusMonths(1), last).query(Integer.class).single();
		if (made > 0) {
			logger.info("Made {} partitions of audit_record, up to {}", made, last);
		}
		return made;
	}

}
