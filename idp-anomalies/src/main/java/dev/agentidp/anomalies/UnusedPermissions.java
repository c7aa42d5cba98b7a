package dev.agentidp.anomalies;

import java.time.Instant;
import java.util.List;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.Tool;

/**
 * What an agent's document grants and its decisions did not use in a window (the
 * unused-permissions report): a capability is used when a call on its scope was allowed,
 * a tool when a call with any of its permissions was, a data resource entry when a call
 * with its access was.
 *
 * @param agentId the agent
 * @param days the window in days
 * @param since the window's start
 * @param usedScopes the scopes of the allowed calls, sorted
 * @param unusedCapabilities the capabilities not used
 * @param unusedTools the tools not used
 * @param unusedDataAccess the data access entries not used
 * @param keptCapabilities the capabilities a patch keeps
 * @param keptTools the tools a patch keeps, each with its used permissions only
 * @param keptDataAccess the data access entries a patch keeps
 */
public record UnusedPermissions(AgentId agentId, int days, Instant since, List<String> usedScopes,
		List<Capability> unusedCapabilities, List<Tool> unusedTools, List<DataAccess> unusedDataAccess,
		List<Capability> keptCapabilities, List<Tool> keptTools, List<DataAccess> keptDataAccess) {

}
