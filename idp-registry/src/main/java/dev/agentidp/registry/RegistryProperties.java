package dev.agentidp.registry;

import org.hibernate.validator.constraints.Range;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the registry ({@code idp.registry.*}), checked when it is bound: a
 * value out of range refuses the start with the property's name and its range.
 *
 * @param maxSubAgentsPerRoot how many sub-agents may live below one root agent, at every
 * depth together (default 10,000); a token exchange naming a new sub-agent beyond it is
 * refused
 * @param maxNewSubAgentsPerMinute how many new sub-agents one parent may derive in any
 * minute (default 30), counted in PostgreSQL from the sub-agents' creation times, so the
 * bound holds across every node together
 */
@ConfigurationProperties("idp.registry")
@Validated
public record RegistryProperties(@DefaultValue("10000") @Range(min = 0, max = 1_000_000) int maxSubAgentsPerRoot,
		@DefaultValue("30") @Range(min = 1, max = 10_000) int maxNewSubAgentsPerMinute) {

	/** The default of {@code idp.registry.max-sub-agents-per-root}. */
	public static final int DEFAULT_MAX_SUB_AGENTS_PER_ROOT = 10_000;

	/** The default of {@code idp.registry.max-new-sub-agents-per-minute}. */
	public static final int DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE = 30;

	/** The defaults. */
	public static final RegistryProperties DEFAULTS = new RegistryProperties(DEFAULT_MAX_SUB_AGENTS_PER_ROOT,
			DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE);

}
