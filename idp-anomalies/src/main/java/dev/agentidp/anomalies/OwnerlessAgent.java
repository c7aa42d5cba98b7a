package dev.agentidp.anomalies;

import dev.agentidp.registry.AgentId;

/**
 * An active agent without an active owner (the ownerless report): its owner is no known
 * person, or a disabled one.
 *
 * @param agentId the agent
 * @param name its name
 * @param owner its owner as the document names it
 * @param why why the owner is not an active person
 */
public record OwnerlessAgent(AgentId agentId, String name, String owner, String why) {

}
