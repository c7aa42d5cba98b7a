package dev.agentidp.signals;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentResumed;
import dev.agentidp.registry.AgentRetired;
import dev.agentidp.registry.AgentSuspended;
import dev.agentidp.registry.CapabilitiesRemoved;
import dev.agentidp.registry.KeyAdded;
import dev.agentidp.registry.KeyRetired;
import dev.agentidp.tokens.TokensRevoked;

import org.springframework.context.event.EventListener;
import org.springframework.util.Assert;

/**
 * Writes the signalled domain events to the outbox. The listeners are synchronous: they
 * run in the publisher's transaction (every one of these events is published inside the
 * change's transaction), so the outbox row commits or rolls back with the change, and a
 * crash after the commit loses nothing.
 */
final class OutboxWriter {

	/**
	 * The most revoked jtis one event names: a revocation of more (an agent with
	 * thousands of live tokens) is signalled with the first ones and
	 * {@code jtisTruncated}; the agent's suspension or retirement, which causes those, is
	 * signalled on its own.
	 */
	static final int MAX_JTIS = 1000;

	/** The signalled events known by their audit action only. */
	private static final Map<String, SignalType> AUDITED = Map.of(SignalType.APPROVAL_REQUESTED.value(),
			SignalType.APPROVAL_REQUESTED, SignalType.ANOMALY_DETECTED.value(), SignalType.ANOMALY_DETECTED);

	private final Outbox outbox;

	private final AgentRegistry agents;

	private final Clock clock;

	OutboxWriter(Outbox outbox, AgentRegistry agents, Clock clock) {
		Assert.notNull(outbox, "outbox cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.outbox = outbox;
		this.agents = agents;
		this.clock = clock;
	}

	@EventListener
	void on(TokensRevoked event) {
		if (event.jtis().isEmpty()) {
			return;
		}
		Map<String, Object> data = base(event.actor(), event.reason());
		data.put("agentId", AuditEntry.SYSTEM_CHAIN.equals(event.chain()) ? null : event.chain());
		data.put("by", event.by());
		data.put("target", event.target());
		data.put("revoked", event.revoked());
		List<String> jtis = event.jtis();
		data.put("jtis", (jtis.size() > MAX_JTIS) ? jtis.subList(0, MAX_JTIS) : jtis);
		data.put("jtisTruncated", jtis.size() > MAX_JTIS);
		write(SignalType.TOKEN_REVOKED, data);
	}

	@EventListener
	void on(AgentSuspended event) {
		Map<String, Object> data = base(event.actor(), event.reason());
		data.put("agentId", event.agentId().toString());
		data.put("subAgentIds", ids(event.subAgentIds()));
		write(SignalType.AGENT_SUSPENDED, data);
	}

	@EventListener
	void on(AgentResumed event) {
		Map<String, Object> data = base(event.actor(), event.reason());
		data.put("agentId", event.agentId().toString());
		write(SignalType.AGENT_RESUMED, data);
	}

	@EventListener
	void on(AgentRetired event) {
		Map<String, Object> data = base(event.actor(), event.reason());
		data.put("agentId", event.agentId().toString());
		data.put("subAgentIds", ids(event.subAgentIds()));
		write(SignalType.AGENT_RETIRED, data);
	}

	@EventListener
	void on(KeyAdded event) {
		Map<String, Object> data = base(event.actor(), null);
		data.put("agentId", event.agentId().toString());
		data.put("kid", event.kid());
		write(SignalType.KEY_ADDED, data);
	}

	@EventListener
	void on(KeyRetired event) {
		Map<String, Object> data = base(event.actor(), null);
		data.put("agentId", event.agentId().toString());
		data.put("kid", event.kid());
		data.put("status", event.status().value());
		data.put("expiresAt", event.expiresAt().toString());
		write(SignalType.KEY_RETIRED, data);
	}

	@EventListener
	void on(CapabilitiesRemoved event) {
		Map<String, Object> data = base(event.actor(), null);
		data.put("agentId", event.agentId().toString());
		data.put("removedScopes", event.removedScopes());
		data.put("subAgentIds", ids(event.subAgentIds()));
		// the capabilities the agent keeps, as this transaction sees them (CAEP
		// token-claims-change names the claims' new values)
		data.put("scopes",
				this.agents.findAgent(event.agentId())
					.map((agent) -> agent.scopes().stream().sorted().toList())
					.orElse(List.of()));
		write(SignalType.CAPABILITIES_REMOVED, data);
	}

	/**
	 * The events of modules this one does not depend on (approvals, the detection), taken
	 * from their audit records by action: the record's chain is the agent, its details
	 * the data, as audited (no secret is ever in an audit record).
	 */
	@EventListener
	void on(AuditableEvent event) {
		AuditEntry entry = event.auditEntry();
		SignalType type = AUDITED.get(entry.action());
		if (type == null) {
			return;
		}
		Map<String, Object> data = base(entry.actor(), entry.reason());
		data.put("agentId", AuditEntry.SYSTEM_CHAIN.equals(entry.chain()) ? null : entry.chain());
		data.put("target", entry.target());
		data.put("details", entry.details());
		write(type, data);
	}

	private void write(SignalType type, Map<String, Object> data) {
		this.outbox.write(type, this.clock.instant(), data);
	}

	private static Map<String, Object> base(String actor, String reason) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("actor", actor);
		data.put("reason", reason);
		return data;
	}

	private static List<String> ids(List<AgentId> ids) {
		return ids.stream().map(AgentId::toString).toList();
	}

}
