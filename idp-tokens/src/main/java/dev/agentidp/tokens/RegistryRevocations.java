package dev.agentidp.tokens;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentRetired;
import dev.agentidp.registry.AgentSuspended;
import dev.agentidp.registry.CapabilitiesRemoved;
import dev.agentidp.registry.ClientDisabled;
import dev.agentidp.registry.ClientSecretReplaced;
import dev.agentidp.registry.KeyRetired;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.util.Assert;

/**
 * What the registry's changes revoke (docs/api.md "Contract"): a suspended or retired
 * agent loses every live token of it and of its sub-agents, a retired key (with
 * {@code revokeTokens}) what it obtained, removed capabilities the tokens that carry
 * them, a disabled client or a replaced secret the client's tokens. Each revocation runs
 * in the registry's transaction (the events are published inside it) and publishes its
 * {@link TokensRevoked} for the audit trail.
 */
final class RegistryRevocations {

	private final IssuedTokens tokens;

	private final AgentRegistry agents;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	RegistryRevocations(IssuedTokens tokens, AgentRegistry agents, ApplicationEventPublisher events, Clock clock) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.tokens = tokens;
		this.agents = agents;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Suspending an agent revokes every live token of it and of its sub-agents, in the
	 * suspending transaction (docs/api.md "Contract").
	 * @param event the registry's event
	 */
	@EventListener
	public void on(AgentSuspended event) {
		revokeAgentTree(event.agentId(), event.subAgentIds(), event.actor(), "agent suspended");
	}

	/**
	 * Retiring an agent revokes every live token of it and of its sub-agents, in the
	 * retiring transaction (docs/api.md "Contract").
	 * @param event the registry's event
	 */
	@EventListener
	public void on(AgentRetired event) {
		revokeAgentTree(event.agentId(), event.subAgentIds(), event.actor(), "agent retired");
	}

	/**
	 * Retiring a key with {@code revokeTokens} revokes every live token obtained by
	 * authenticating with it, and every token derived from them, in the retiring
	 * transaction (issue 14, item 18).
	 * @param event the registry's event
	 */
	@EventListener
	public void on(KeyRetired event) {
		if (!event.revokeTokens()) {
			return;
		}
		String agentId = event.agentId().toString();
		String reason = "key " + event.kid() + " retired";
		List<String> revoked = this.tokens.revokeObtainedWithKey(agentId, event.kid(), why(event.actor(), reason),
				this.clock.instant());
		this.events.publishEvent(TokensRevoked.of(agentId, event.actor(), "key", event.kid(), reason, revoked));
	}

	/**
	 * Removing capabilities from an agent revokes every live token of it and of its
	 * sub-agents that carries a removed scope, with every token derived from them, in the
	 * removing transaction (issue 14, item 7).
	 * @param event the registry's event
	 */
	@EventListener
	public void on(CapabilitiesRemoved event) {
		List<AgentId> ids = withSubAgents(event.agentId(), event.subAgentIds());
		// issue 14, item 6: tokens being issued with the old capabilities now are
		// committed first, so that the revocation sees them
		this.agents.stopIssuance(event.agentId());
		// the scopes are listed in the agent.capabilities_removed record
		String reason = "capabilities removed";
		List<String> revoked = this.tokens.revokeAgentsCarrying(ids, event.removedScopes(), why(event.actor(), reason),
				this.clock.instant());
		this.events.publishEvent(TokensRevoked.of(event.agentId().toString(), event.actor(), "scope",
				event.agentId().toString(), reason, revoked));
	}

	/**
	 * Disabling a client revokes every live token issued to it, in the disabling
	 * transaction (issue 14, item 9).
	 * @param event the registry's event
	 */
	@EventListener
	public void on(ClientDisabled event) {
		revokeClient(event.clientId(), event.actor(), "client disabled");
	}

	/**
	 * Replacing the bootstrap admin client's secret revokes the tokens the old secret
	 * obtained, in the same transaction.
	 * @param event the registry's event
	 */
	@EventListener
	public void on(ClientSecretReplaced event) {
		revokeClient(event.clientId(), null, "client secret replaced");
	}

	private int revokeClient(String clientId, String actor, String reason) {
		List<String> revoked = this.tokens.revokeClient(clientId, why((actor != null) ? actor : "the provider", reason),
				this.clock.instant());
		this.events.publishEvent(TokensRevoked.of(AuditEntry.SYSTEM_CHAIN, actor, "client", clientId, reason, revoked));
		return revoked.size();
	}

	int revokeAgentTree(AgentId agentId, List<AgentId> subAgentIds, String actor, String reason) {
		List<String> revoked = this.tokens.revokeAgents(withSubAgents(agentId, subAgentIds), why(actor, reason),
				this.clock.instant());
		this.events
			.publishEvent(TokensRevoked.of(agentId.toString(), actor, "agent", agentId.toString(), reason, revoked));
		return revoked.size();
	}

	/** The agent's id first, then its sub-agents'. */
	private static List<AgentId> withSubAgents(AgentId agentId, List<AgentId> subAgentIds) {
		List<AgentId> ids = new ArrayList<>(subAgentIds.size() + 1);
		ids.add(agentId);
		ids.addAll(subAgentIds);
		return ids;
	}

	/**
	 * The revocation reason stored with each revoked row: who, and why.
	 * @param actor who revokes
	 * @param reason why, or {@code null}
	 * @return at most 256 characters
	 */
	static String why(String actor, String reason) {
		String why = "by " + actor + ((reason != null) ? ": " + reason : "");
		return (why.length() > 256) ? why.substring(0, 256) : why;
	}

}
