package dev.agentidp.console;

import java.time.Duration;

import jakarta.validation.Valid;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the console ({@code idp.console.*}), checked when it is bound. The
 * idle timeout of a session is Spring Boot's {@code server.servlet.session.timeout} (30
 * minutes by default here).
 *
 * @param sessionMaxAge the absolute timeout: a session older than this is ended whatever
 * its activity, and its person signs in again (default 12 hours, 5 minutes to 7 days)
 * @param signIn the throttle of failed sign-ins
 */
@ConfigurationProperties("idp.console")
@Validated
public record ConsoleProperties(
		@DefaultValue("12h") @DurationMin(minutes = 5, message = "must be between 5 minutes and 7 days") @DurationMax(
				days = 7, message = "must be between 5 minutes and 7 days") Duration sessionMaxAge,
		@DefaultValue @Valid SignIn signIn) {

	/**
	 * The throttle of failed sign-ins ({@code idp.console.sign-in.*}): past a limit
	 * within the window, sign-in is refused for the lockout, with the same generic
	 * message as a wrong password, and without checking the password.
	 *
	 * @param maxFailures failures of one account from one source (default 5)
	 * @param maxFailuresPerSource failures from one source, whatever the account (default
	 * 20)
	 * @param maxFailuresPerAccount failures of one account, whatever the source (default
	 * 50: higher, so that one source cannot lock a person out alone)
	 * @param window the window the failures are counted in (default 15 minutes)
	 * @param lockout how long sign-in is refused past a limit (default 15 minutes)
	 */
	public record SignIn(@DefaultValue("5") @Range(min = 1, max = 1000) int maxFailures,
			@DefaultValue("20") @Range(min = 1, max = 100_000) int maxFailuresPerSource,
			@DefaultValue("50") @Range(min = 1, max = 100_000) int maxFailuresPerAccount,
			@DefaultValue("15m") @DurationMin(seconds = 1, message = "must be between 1 second and 1 day") @DurationMax(
					days = 1, message = "must be between 1 second and 1 day") Duration window,
			@DefaultValue("15m") @DurationMin(seconds = 1, message = "must be between 1 second and 1 day") @DurationMax(
					days = 1, message = "must be between 1 second and 1 day") Duration lockout) {
	}

}
