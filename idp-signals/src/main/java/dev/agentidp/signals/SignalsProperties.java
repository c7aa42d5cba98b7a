package dev.agentidp.signals;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the outbound signals ({@code idp.signals.*}), checked when it is
 * bound.
 *
 * @param deliveryEnabled whether this node runs the delivery worker (default
 * {@code true}; every node may, they share the work through PostgreSQL row locks)
 * @param deliveryInterval how often the worker looks for undelivered events (default 1 s,
 * 100 ms to 1 minute)
 * @param retryFor how long a webhook delivery or an SSF push is retried before it is
 * given up (default 24 h, 1 minute to 7 days)
 * @param timeout the connect and response timeout of one delivery (default 10 s, 1 s to
 * 60 s)
 * @param allowPrivateAddresses whether webhook and push URLs may use {@code http} and
 * name loopback, link-local or private addresses outside the {@code dev} profile (default
 * {@code false}; for tests and closed networks only: it opens the provider to server-side
 * request forgery)
 */
@ConfigurationProperties("idp.signals")
@Validated
public record SignalsProperties(@DefaultValue("true") boolean deliveryEnabled,
		@DefaultValue("1s") @DurationMin(millis = 100, message = INTERVAL_RANGE) @DurationMax(minutes = 1,
				message = INTERVAL_RANGE) Duration deliveryInterval,
		@DefaultValue("24h") @DurationMin(minutes = 1, message = RETRY_RANGE) @DurationMax(days = 7,
				message = RETRY_RANGE) Duration retryFor,
		@DefaultValue("10s") @DurationMin(seconds = 1, message = TIMEOUT_RANGE) @DurationMax(seconds = 60,
				message = TIMEOUT_RANGE) Duration timeout,
		@DefaultValue("false") boolean allowPrivateAddresses) {

	private static final String INTERVAL_RANGE = "must be between 100 milliseconds and 1 minute";

	private static final String RETRY_RANGE = "must be between 1 minute and 7 days";

	private static final String TIMEOUT_RANGE = "must be between 1 second and 60 seconds";

}
