package dev.agentidp.audit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the audit trail ({@code idp.audit.*}).
 *
 * @param checkpointInterval how often a signed checkpoint is made when the trail has
 * changed (default 60 s)
 * @param introspection which introspections the token module records: {@code denied}
 * (default) or {@code all}
 */
@ConfigurationProperties("idp.audit")
public record AuditProperties(@DefaultValue("60s") Duration checkpointInterval,
		@DefaultValue("denied") Introspection introspection) {

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
