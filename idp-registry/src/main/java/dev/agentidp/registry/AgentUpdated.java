package dev.agentidp.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * An agent's identity document changed (a new version). A change of owner is a transfer
 * of accountability and is recorded as such ({@code ownerTransfer} in the audit details).
 *
 * @param agentId the agent
 * @param version the new version
 * @param changedFields the document fields that changed
 * @param previousOwner the owner before, or {@code null} when the owner did not change
 * @param newOwner the owner after, or {@code null} when the owner did not change
 * @param actor the client that changed it
 * @param cause why the server changed it, for a change carried down from an ancestor (an
 * owner transfer, a removed capability), else {@code null}
 */
public record AgentUpdated(AgentId agentId, long version, List<String> changedFields, String previousOwner,
		String newOwner, String actor, String cause) implements AuditableEvent {

	public AgentUpdated {
		changedFields = List.copyOf(changedFields);
	}

	/**
	 * A change an administrator asked for.
	 * @param agentId the agent
	 * @param version the new version
	 * @param changedFields the document fields that changed
	 * @param previousOwner the owner before, or {@code null} when the owner did not
	 * change
	 * @param newOwner the owner after, or {@code null} when the owner did not change
	 * @param actor the client that changed it
	 */
	public AgentUpdated(AgentId agentId, long version, List<String> changedFields, String previousOwner,
			String newOwner, String actor) {
		this(agentId, version, changedFields, previousOwner, newOwner, actor, null);
	}

	/**
	 * Whether the owner changed.
	 * @return {@code true} for a transfer of accountability
	 */
	public boolean ownerTransferred() {
		return this.newOwner != null && !this.newOwner.equals(this.previousOwner);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("version", this.version);
		details.put("changedFields", this.changedFields);
		if (ownerTransferred()) {
			details.put("ownerTransfer", Map.of("from", this.previousOwner, "to", this.newOwner));
		}
		return new AuditEntry(this.agentId.toString(), this.actor, "agent.updated", this.agentId.toString(),
				Decision.ALLOW, reason(), details);
	}

	private String reason() {
		if (this.cause != null) {
			return this.cause;
		}
		return ownerTransferred() ? "owner transferred" : null;
	}

}
