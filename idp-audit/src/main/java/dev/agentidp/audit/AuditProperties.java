package dev.agentidp.audit;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
 * @param groupCommit how concurrent audited decisions share a transaction
 */
@ConfigurationProperties("idp.audit")
@Validated
public record AuditProperties(@DefaultValue("60s") @NotNull Duration checkpointInterval,
		@DefaultValue("denied") @NotNull Introspection introspection, @DefaultValue @Valid GroupCommit groupCommit) {

	/**
	 * Group commit ({@code idp.audit.group-commit.*}): concurrent audited work (the
	 * policy decision point's decisions) committed in one transaction per group.
	 *
	 * @param committers how many groups may commit at the same time, each on its own
	 * connection (default 2)
	 * @param maxGroup the most records in one group (default 64)
	 */
	public record GroupCommit(@DefaultValue("2") @Min(1) @Max(16) int committers,
			@DefaultValue("64") @Min(1) @Max(1000) int maxGroup) {
	}

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
