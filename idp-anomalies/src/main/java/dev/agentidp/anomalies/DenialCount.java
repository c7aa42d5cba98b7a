package dev.agentidp.anomalies;

import dev.agentidp.registry.AgentId;

/**
 * Denied decisions of an agent with one code in a window (the out-of-scope report).
 *
 * @param agentId the agent
 * @param code the decision code, e.g. {@code not_declared} or {@code scope_missing}
 * @param count how many
 */
public record DenialCount(AgentId agentId, String code, long count) {

}
