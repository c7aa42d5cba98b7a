package dev.agentidp.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentProfile;

/**
 * The acting agent's identity document as a condition reads it ({@code agent}, a map of
 * strings and lists): its id, name, owner, team, platform, environment, role, risk level,
 * status, version, parent, and the scopes, tools, resources and data it declares. Keys
 * and private parts are not part of it.
 */
final class AgentVariable {

	private AgentVariable() {
	}

	static Map<String, Object> of(Agent agent) {
		AgentProfile profile = agent.profile();
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("id", agent.id().toString());
		document.put("name", profile.name());
		document.put("owner", profile.owner());
		putIfPresent(document, "team", profile.team());
		putIfPresent(document, "platform", profile.platform());
		putIfPresent(document, "environment", (profile.environment() != null) ? profile.environment().value() : null);
		putIfPresent(document, "role", profile.role());
		document.put("riskLevel", agent.riskLevel().value());
		document.put("status", agent.status().value());
		document.put("version", agent.version());
		putIfPresent(document, "parentId", (agent.parentId() != null) ? agent.parentId().toString() : null);
		document.put("scopes", List.copyOf(agent.scopes()));
		document.put("tools", profile.tools().stream().map((tool) -> (Object) tool.id()).toList());
		document.put("resources", List.copyOf(profile.resources()));
		document.put("dataAccess",
				profile.dataAccess()
					.stream()
					.map((entry) -> (Object) Map.of("resource", entry.resource(), "access", entry.access().value(),
							"sensitivity", entry.sensitivity().value()))
					.toList());
		return document;
	}

	private static void putIfPresent(Map<String, Object> document, String name, Object value) {
		if (value != null) {
			document.put(name, value);
		}
	}

}
