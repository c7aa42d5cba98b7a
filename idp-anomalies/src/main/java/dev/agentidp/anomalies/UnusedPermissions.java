package dev.agentidp.anomalies;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.Tool;
import tools.jackson.databind.json.JsonMapper;

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

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The JSON merge patch (RFC 7396) that removes what was not used: RFC 7396 §2
	 * replaces an array whole, so the patch holds the three lists without it, each entry
	 * written as the agent's document writes it. Applied as it is (admin API {@code PATCH
	 * /admin/v1/agents/{id}}), the document keeps only what was used.
	 * @return the patch, as JSON text
	 */
	public String mergePatch() {
		Map<String, Object> patch = new LinkedHashMap<>();
		List<Map<String, Object>> capabilities = new ArrayList<>();
		for (Capability capability : this.keptCapabilities) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("scope", capability.scope());
			json.put("description", capability.description());
			json.put("riskLevel", capability.riskLevel().value());
			if (capability.condition() != null) {
				json.put("condition", capability.condition());
			}
			capabilities.add(json);
		}
		patch.put("capabilities", capabilities);
		List<Map<String, Object>> tools = new ArrayList<>();
		for (Tool tool : this.keptTools) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("id", tool.id());
			json.put("mcpServer", tool.mcpServer());
			json.put("permissions", tool.permissions());
			tools.add(json);
		}
		patch.put("tools", tools);
		List<Map<String, Object>> dataAccess = new ArrayList<>();
		for (DataAccess access : this.keptDataAccess) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("resource", access.resource());
			json.put("access", access.access().value());
			json.put("sensitivity", access.sensitivity().value());
			if (access.condition() != null) {
				json.put("condition", access.condition());
			}
			dataAccess.add(json);
		}
		patch.put("dataAccess", dataAccess);
		return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(patch);
	}

}
