package dev.agentidp.anomalies;

import java.time.Instant;

import dev.agentidp.registry.AgentId;

/**
 * An active agent older than the key age whose newest active key is older too, or that
 * has none (the stale-keys report).
 *
 * @param agentId the agent
 * @param name its name
 * @param createdAt when it was registered
 * @param newestKeyCreatedAt when its newest active key was added, or {@code null} when it
 * has no active key
 */
public record StaleKeyAgent(AgentId agentId, String name, Instant createdAt, Instant newestKeyCreatedAt) {

}
