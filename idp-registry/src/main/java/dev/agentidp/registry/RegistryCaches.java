package dev.agentidp.registry;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import org.springframework.util.Assert;

/**
 * The registry's two in-memory caches (issue 15, item 6), bounded in size and time by
 * Caffeine, which evicts the least valuable entries one by one (W-TinyLFU) where the
 * hand-rolled maps before them were cleared all at once when full. Bound to Micrometer as
 * {@code cache="agents"} and {@code cache="clients"} ({@code cache_gets_total},
 * {@code cache_size}, {@code cache_evictions_total} on {@code /actuator/prometheus}).
 * <ul>
 * <li>{@link #activeAgents()}: parsed agents by id for
 * {@link AgentRegistry#findActiveAgent}. Never trusted on its own: every lookup reads the
 * agent's version and its chain's state from PostgreSQL first, and a cached agent is used
 * only at that version, so a suspension on any node is seen at once on every node.
 * Bounded by {@code idp.registry.agent-cache-size}; an agent unused for
 * {@link #AGENT_IDLE} is dropped, to give the heap back (not for freshness, which the
 * version gives).</li>
 * <li>{@link #foundClients()}: clients by id for {@link ClientRegistry#findClient}, kept
 * {@code idp.registry.client-cache-ttl} after they were read (not after they were last
 * used: the limit is how long another node may hold an old row) and bounded by
 * {@code idp.registry.client-cache-size}.</li>
 * </ul>
 */
final class RegistryCaches implements MeterBinder {

	/** The {@code cache} tag of the agents' metrics. */
	static final String AGENTS = "agents";

	/** The {@code cache} tag of the clients' metrics. */
	static final String CLIENTS = "clients";

	/** An agent not looked up for this long is dropped. */
	static final Duration AGENT_IDLE = Duration.ofHours(1);

	private final Cache<AgentId, Agent> activeAgents;

	private final Cache<String, Client> foundClients;

	/**
	 * @param properties the sizes and the clients' time limit
	 * @param ticker the time source of the expiries, in nanoseconds
	 */
	RegistryCaches(RegistryProperties properties, Ticker ticker) {
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(ticker, "ticker cannot be null");
		this.activeAgents = Caffeine.newBuilder()
			.maximumSize(properties.agentCacheSize())
			.expireAfterAccess(AGENT_IDLE)
			.ticker(ticker)
			.recordStats()
			.build();
		this.foundClients = Caffeine.newBuilder()
			.maximumSize(properties.clientCacheSize())
			.expireAfterWrite(properties.clientCacheTtl())
			.ticker(ticker)
			.recordStats()
			.build();
	}

	/** Caches with the given properties on the system's nanosecond ticker. */
	RegistryCaches(RegistryProperties properties) {
		this(properties, Ticker.systemTicker());
	}

	Cache<AgentId, Agent> activeAgents() {
		return this.activeAgents;
	}

	Cache<String, Client> foundClients() {
		return this.foundClients;
	}

	/**
	 * Registers both caches' metrics (Spring Boot binds every {@link MeterBinder} bean to
	 * its registry).
	 * @param registry the registry
	 */
	@Override
	public void bindTo(MeterRegistry registry) {
		CaffeineCacheMetrics.monitor(registry, this.activeAgents, AGENTS);
		CaffeineCacheMetrics.monitor(registry, this.foundClients, CLIENTS);
	}

}
