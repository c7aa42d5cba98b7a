package dev.agentidp.console;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

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
 * @param federation sign-in through the organisation's OpenID Connect provider (off
 * unless its issuer is set)
 */
@ConfigurationProperties("idp.console")
@Validated
public record ConsoleProperties(
		@DefaultValue("12h") @DurationMin(minutes = 5, message = "must be between 5 minutes and 7 days") @DurationMax(
				days = 7, message = "must be between 5 minutes and 7 days") Duration sessionMaxAge,
		@DefaultValue @Valid SignIn signIn, @DefaultValue @Valid Federation federation) {

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

	/**
	 * Sign-in through the organisation's OpenID Connect provider
	 * ({@code idp.console.federation.*}), off unless {@code issuer-uri} is set. The
	 * person is the ID token's verified {@code email}; their roles are read from
	 * {@code roles-claim} through {@code role-mapping} at each sign-in, and nothing else
	 * grants one.
	 *
	 * @param issuerUri the provider's issuer (its
	 * {@code /.well-known/openid-configuration} is read at the first federated sign-in),
	 * or {@code null} for no federation
	 * @param clientId the console's client id at that provider
	 * @param clientSecret its secret ({@code client_secret_basic})
	 * @param rolesClaim the claim of the ID token (or UserInfo) whose values are mapped
	 * to roles (default {@code groups}; a string or a list of strings)
	 * @param roleMapping from a value of that claim to the roles it grants
	 * ({@code admin}, {@code owner}, {@code auditor}, {@code approver:<role>})
	 */
	public record Federation(URI issuerUri, String clientId, String clientSecret,
			@DefaultValue("groups") String rolesClaim, @DefaultValue Map<String, Set<String>> roleMapping) {

		public Federation {
			roleMapping = (roleMapping != null) ? Map.copyOf(roleMapping) : Map.of();
			if (issuerUri != null) {
				if (!"https".equals(issuerUri.getScheme()) && !"http".equals(issuerUri.getScheme())) {
					throw new IllegalArgumentException("idp.console.federation.issuer-uri: must be an http(s) URL");
				}
				if (clientId == null || clientId.isBlank()) {
					throw new IllegalArgumentException(
							"idp.console.federation.client-id: must be set when issuer-uri is");
				}
				if (clientSecret == null || clientSecret.isEmpty()) {
					throw new IllegalArgumentException(
							"idp.console.federation.client-secret: must be set when issuer-uri is");
				}
			}
			roleMapping.forEach((value, roles) -> roles.forEach((role) -> {
				if (!People.isRole(role)) {
					throw new IllegalArgumentException("idp.console.federation.role-mapping." + value + ": " + role
							+ " is not a role (admin, owner, auditor or approver:<role>)");
				}
			}));
		}

		/** Whether federation is on: its issuer is set. */
		public boolean enabled() {
			return this.issuerUri != null;
		}

	}

}
