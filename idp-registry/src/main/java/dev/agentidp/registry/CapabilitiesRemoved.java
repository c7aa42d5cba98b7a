package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * Capabilities were removed from an agent (issue 14, item 7). In the same transaction the
 * registry removed them from every sub-agent below it (retiring those left with none),
 * and the tokens module revokes every live token of the agent and of its sub-agents that
 * carries a removed scope, with every token derived from them: a removed capability is
 * gone at once, not when the last token carrying it expires.
 *
 * @param agentId the agent whose capabilities were removed
 * @param removedScopes the scopes removed, sorted
 * @param subAgentIds every sub-agent below the agent (transitively), whose tokens
 * carrying a removed scope are revoked too
 * @param narrowed the sub-agents that lost capabilities and kept at least one
 * @param retired the sub-agents that lost their last capability and were retired
 * @param actor the client that removed them
 */
public record CapabilitiesRemoved(AgentId agentId, List<String> removedScopes, List<AgentId> subAgentIds,
		List<AgentId> narrowed, List<AgentId> retired, String actor) implements AuditableEvent {

	public CapabilitiesRemoved {
		removedScopes = List.copyOf(removedScopes);
		subAgentIds = List.copyOf(subAgentIds);
		narrowed = List.copyOf(narrowed);
		retired = List.copyOf(retired);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("removedScopes", this.removedScopes);
		details.put("narrowedSubAgents", this.narrowed.stream().map(AgentId::toString).toList());
		details.put("retiredSubAgents", this.retired.stream().map(AgentId::toString).toList());
		return new AuditEntry(this.agentId.toString(), this.actor, "agent.capabilities_removed",
				this.agentId.toString(), Decision.ALLOW, null, details);
	}

}
