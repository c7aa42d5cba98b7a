package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * An agent was retired, for good, and with it every sub-agent below it (transitively).
 * The tokens module revokes every active token of the agent and of the sub-agents listed.
 *
 * @param agentId the agent retired
 * @param subAgentIds every sub-agent below it (transitively), affected with it
 * @param reason why, or {@code null}
 * @param actor the client that retired it
 */
public record AgentRetired(AgentId agentId, List<AgentId> subAgentIds, String reason,
		String actor) implements AuditableEvent {

	public AgentRetired {
		subAgentIds = List.copyOf(subAgentIds);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("subAgents", this.subAgentIds.stream().map(AgentId::toString).toList());
		return new AuditEntry(this.agentId.toString(), this.actor, "agent.retired", this.agentId.toString(),
				Decision.ALLOW, this.reason, details);
	}

}
