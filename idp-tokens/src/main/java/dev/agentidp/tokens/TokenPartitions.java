package dev.agentidp.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

import dev.agentidp.registry.TokenPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.Assert;

/**
 * Keeps the token store's partitions (one per UTC expiry day, V25) made ahead: today's
 * and the next {@value #DAYS_AHEAD} days'. Runs once while the application starts, once
 * the schema is migrated and before it serves (a token whose expiry day has no partition
 * cannot be stored: there is no DEFAULT partition, which would have to be emptied before
 * a day it holds rows of could get its own partition, PostgreSQL docs 5.11.2.2), then
 * every hour. Idempotent and safe on every node at once: the database function takes an
 * advisory lock and makes only what is missing. Dropping expired days is the purge's
 * ({@link TokenService#purgeExpired()}).
 */
final class TokenPartitions implements SmartInitializingSingleton {

	/**
	 * The longest lifetime a token may have (24 h, {@link TokenPolicy#MAX_TTL_SECONDS})
	 * reaches into tomorrow; two more days leave this job two days of failures before an
	 * issuance could find no partition.
	 */
	static final int DAYS_AHEAD = (int) Duration.ofSeconds(TokenPolicy.MAX_TTL_SECONDS).toDays() + 2;

	private static final Logger logger = LoggerFactory.getLogger(TokenPartitions.class);

	private final IssuedTokens tokens;

	private final Clock clock;

	TokenPartitions(IssuedTokens tokens, Clock clock) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.tokens = tokens;
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
	 * Makes the partitions of today and the days ahead that are missing.
	 * @return how many were made
	 */
	@Scheduled(initialDelayString = "PT1H", fixedDelayString = "PT1H")
	public int ensure() {
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		int made = this.tokens.ensurePartitions(today, today.plusDays(DAYS_AHEAD));
		if (made > 0) {
			logger.info("Made {} partitions of issued_token, up to {}", made, today.plusDays(DAYS_AHEAD));
		}
		return made;
	}

}
