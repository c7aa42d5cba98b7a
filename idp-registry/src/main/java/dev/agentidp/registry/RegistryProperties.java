package dev.agentidp.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the registry ({@code idp.registry.*}).
 *
 * @param maxSubAgentsPerRoot how many sub-agents may live below one root agent, at every
 * depth together (default 10,000); a token exchange naming a new sub-agent beyond it is
 * refused
 * @param maxNewSubAgentsPerMinute how many new sub-agents one parent may derive in any
 * minute (default 30), counted in PostgreSQL from the sub-agents' creation times, so the
 * bound holds across every node together
 */
@ConfigurationProperties("idp.registry")
public record RegistryProperties(@DefaultValue("10000") int maxSubAgentsPerRoot,
		@DefaultValue("30") int maxNewSubAgentsPerMinute) {

	/** The default of {@code idp.registry.max-sub-agents-per-root}. */
	public static final int DEFAULT_MAX_SUB_AGENTS_PER_ROOT = 10_000;

	/** The default of {@code idp.registry.max-new-sub-agents-per-minute}. */
	public static final int DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE = 30;

	/** The defaults. */
	public static final RegistryProperties DEFAULTS = new RegistryProperties(DEFAULT_MAX_SUB_AGENTS_PER_ROOT,
			DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE);

	public RegistryProperties {
		if (maxSubAgentsPerRoot < 0 || maxSubAgentsPerRoot > 1_000_000) {
			throw new IllegalArgumentException(
					"idp.registry.max-sub-agents-per-root must be between 0 and 1000000, not " + maxSubAgentsPerRoot);
		}
		if (maxNewSubAgentsPerMinute < 1 || maxNewSubAgentsPerMinute > 10_000) {
			throw new IllegalArgumentException(
					"idp.registry.max-new-sub-agents-per-minute must be between 1 and 10000, not "
							+ maxNewSubAgentsPerMinute);
		}
	}

}
