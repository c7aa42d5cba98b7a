package dev.agentidp.registry;

import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A key was added to an agent.
 *
 * @param agentId the agent
 * @param kid the new key's kid
 * @param generated whether the server generated the pair (the private key was handed out
 * once and not kept)
 * @param actor the client that added it
 */
public record KeyAdded(AgentId agentId, String kid, boolean generated, String actor) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(this.agentId.toString(), this.actor, "key.added", this.kid, Decision.ALLOW, null,
				Map.of("kid", this.kid, "generated", this.generated));
	}

}
