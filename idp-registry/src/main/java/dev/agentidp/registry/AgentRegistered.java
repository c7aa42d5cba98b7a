package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * An agent was registered (a root agent through the admin API, or a derived sub-agent
 * through delegation).
 *
 * @param agentId the new agent
 * @param name its name
 * @param owner its owner
 * @param parentId its parent when derived, else {@code null}
 * @param kid its first key's kid, or {@code null} when it has none
 * @param actor the client that registered it
 */
public record AgentRegistered(AgentId agentId, String name, String owner, AgentId parentId, String kid,
		String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("name", this.name);
		details.put("owner", this.owner);
		if (this.parentId != null) {
			details.put("parentId", this.parentId.toString());
		}
		if (this.kid != null) {
			details.put("kid", this.kid);
		}
		return new AuditEntry(this.agentId.toString(), this.actor, "agent.registered", this.agentId.toString(),
				Decision.ALLOW, null, details);
	}

}
