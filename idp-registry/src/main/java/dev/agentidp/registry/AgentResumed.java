package dev.agentidp.registry;

import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A suspended agent was resumed.
 *
 * @param agentId the agent resumed
 * @param reason why, or {@code null}
 * @param actor the client that resumed it
 */
public record AgentResumed(AgentId agentId, String reason, String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(this.agentId.toString(), this.actor, "agent.resumed", this.agentId.toString(),
				Decision.ALLOW, this.reason, Map.of());
	}

}
