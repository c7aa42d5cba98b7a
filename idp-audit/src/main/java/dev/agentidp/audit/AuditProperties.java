package dev.agentidp.audit;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the audit trail ({@code idp.audit.*}).
 *
 * @param checkpointInterval how often a signed checkpoint is made when the trail has
 * changed (default 60 s)
 * @param introspection which introspections the token module records: {@code denied}
 * (default) or {@code all}
 */
@ConfigurationProperties("idp.audit")
@Validated
public record AuditProperties(@DefaultValue("60s") @NotNull Duration checkpointInterval,
		@DefaultValue("denied") @NotNull Introspection introspection) {

	/**
	 * Which introspections are audited.
	 */
	public enum Introspection {

		/** Only denied introspections (always recorded). */
		DENIED,

		/** Every introspection, active ones included. */
		ALL

	}

}
