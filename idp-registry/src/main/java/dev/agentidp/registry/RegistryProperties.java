package dev.agentidp.registry;

import java.time.Duration;

import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

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
 * @param agentCacheSize how many parsed agents each node keeps for the token path
 * (default 10,000, a few KB each; 0 keeps none): beyond it the least valuable are evicted
 * one by one. Every lookup still reads the agent's version from PostgreSQL, so the size
 * changes only how often an agent is parsed again, never what is answered
 * @param clientCacheSize how many found clients (admin clients and resource servers) each
 * node keeps (default 10,000, a few hundred bytes each; 0 keeps none)
 * @param clientCacheTtl how long a node keeps a found client (default 30 s, at most 5
 * minutes): the longest another node may still accept a client disabled, or its secret
 * replaced, on this one
 */
@ConfigurationProperties("idp.registry")
@Validated
public record RegistryProperties(@DefaultValue("10000") @Range(min = 0, max = 1_000_000) int maxSubAgentsPerRoot,
		@DefaultValue("30") @Range(min = 1, max = 10_000) int maxNewSubAgentsPerMinute,
		@DefaultValue("10000") @Range(min = 0, max = 1_000_000) int agentCacheSize,
		@DefaultValue("10000") @Range(min = 0, max = 1_000_000) int clientCacheSize,
		@DefaultValue("30s") @DurationMin(seconds = 0, message = "must be between 0 and 5 minutes") @DurationMax(
				minutes = 5, message = "must be between 0 and 5 minutes") Duration clientCacheTtl) {

	/** The default of {@code idp.registry.max-sub-agents-per-root}. */
	public static final int DEFAULT_MAX_SUB_AGENTS_PER_ROOT = 10_000;

	/** The default of {@code idp.registry.max-new-sub-agents-per-minute}. */
	public static final int DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE = 30;

	/**
	 * The default of {@code idp.registry.agent-cache-size} and
	 * {@code idp.registry.client-cache-size}.
	 */
	public static final int DEFAULT_CACHE_SIZE = 10_000;

	/** The default of {@code idp.registry.client-cache-ttl}. */
	public static final Duration DEFAULT_CLIENT_CACHE_TTL = Duration.ofSeconds(30);

	/** The defaults. */
	public static final RegistryProperties DEFAULTS = new RegistryProperties(DEFAULT_MAX_SUB_AGENTS_PER_ROOT,
			DEFAULT_MAX_NEW_SUB_AGENTS_PER_MINUTE, DEFAULT_CACHE_SIZE, DEFAULT_CACHE_SIZE, DEFAULT_CLIENT_CACHE_TTL);

}
