package dev.agentidp.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * The agents below an agent (issue 14, items 2, 7, 8 and 11): how a sub-agent is derived
 * or reused on a token exchange, that its capabilities stay within its parent's, and how
 * a change of an agent (a new owner, removed capabilities) is carried down to every
 * sub-agent below it. Runs in the transaction of the {@link AgentRegistry} call that uses
 * it.
 */
final class SubAgents {

	private final Agents agents;

	private final ApplicationEventPublisher events;

	private final SubAgentLimits limits;

	/**
	 * An agent when it and every ancestor are active
	 * ({@link AgentRegistry#findActiveAgent}).
	 */
	private final Function<AgentId, Optional<Agent>> activeAgents;

	SubAgents(Agents agents, ApplicationEventPublisher events, SubAgentLimits limits,
			Function<AgentId, Optional<Agent>> activeAgents) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(limits, "limits cannot be null");
		Assert.notNull(activeAgents, "activeAgents cannot be null");
		this.agents = agents;
		this.events = events;
		this.limits = limits;
		this.activeAgents = activeAgents;
	}

	/**
	 * Finds or derives a sub-agent of a parent ({@link AgentRegistry#registerSubAgent}).
	 */
	Agent derive(AgentId parentId, String name, Set<String> grantedScopes, String publicJwk, String actor) {
		Assert.notNull(parentId, "parentId cannot be null");
		if (!Names.isValid(name)) {
			throw new InvalidInputException("name", Names.RULE);
		}
		if (grantedScopes == null || grantedScopes.isEmpty()) {
			throw new InvalidInputException("scope", "at least one scope must be granted");
		}
		// one statement: the parent's version if it and its ancestors are active (its
		// parsed document is reused while that version is current)
		Agent parent = this.activeAgents.apply(parentId)
			.orElseThrow(() -> this.agents.find(parentId).isPresent()
					? new IllegalAgentStateException("Agent " + parentId + " or one of its ancestors is not active")
					: AgentNotFoundException.agent(parentId));
		List<Capability> granted = new ArrayList<>();
		for (String scope : new LinkedHashSet<>(grantedScopes)) {
			Capability capability = parent.profile()
				.capabilities()
				.stream()
				.filter((candidate) -> candidate.scope().equals(scope))
				.findFirst()
				.orElseThrow(() -> new InvalidInputException("scope",
						"'" + scope + "' is not a capability of the parent agent"));
			granted.add(capability);
		}
		Instant now = this.agents.now();
		AgentKey key = (publicJwk != null) ? PublicKeys.read("sub_agent_jwk", NewKey.parse(publicJwk).publicJwk(), now)
				: null;
		Optional<Agent> existing = this.agents.findSubAgent(parentId, name);
		if (existing.isEmpty()) {
			// issue 14, item 2: the limits are counted under the root's derivation lock,
			// and the name is looked up again under it, so that two requests for the last
			// allowed sub-agent (on any nodes) cannot both pass
			AgentId rootId = this.agents.rootOf(parentId);
			this.agents.lockDerivations(rootId);
			existing = this.agents.findSubAgent(parentId, name);
			if (existing.isEmpty()) {
				this.limits.check(parent, rootId, this.agents.countChildren(parentId),
						this.agents.countDescendants(rootId),
						this.agents.countChildrenSince(parentId, now.minus(SubAgentLimits.WINDOW)));
			}
		}
		if (existing.isEmpty()) {
			AgentProfile parentProfile = parent.profile();
			AgentProfile profile = new AgentProfile(name, parentProfile.owner(), parentProfile.team(),
					parentProfile.platform(), parentProfile.environment(), "Sub-agent derived from " + parent.name(),
					parentProfile.role(), granted, List.of(), List.of(), List.of(), HumanOversight.NONE,
					parentProfile.tokenPolicy());
			Agent agent = Agent.register(AgentId.random(), parentId, profile, key, now);
			if (this.agents.insert(agent, actor, now)) {
				this.events.publishEvent(new AgentRegistered(agent.id(), agent.name(), agent.owner(), parentId,
						(key != null) ? key.kid() : null, actor));
				return agent;
			}
			// derived concurrently by another request: reuse it
			existing = this.agents.findSubAgent(parentId, name);
		}
		return reuseSubAgent(existing.orElseThrow(), granted, key, actor, now);
	}

	private Agent reuseSubAgent(Agent found, List<Capability> granted, AgentKey key, String actor, Instant now) {
		boolean lacksScopes = !found.scopes().containsAll(granted.stream().map(Capability::scope).toList());
		boolean lacksKey = key != null && found.key(key.kid()).isEmpty();
		if (found.status() == AgentStatus.RETIRED) {
			throw new IllegalAgentStateException("Sub-agent " + found.id() + " is retired");
		}
		if (!lacksScopes && !lacksKey) {
			return found;
		}
		Agent agent = this.agents.lock(found.id()).orElseThrow();
		if (lacksScopes) {
			List<Capability> capabilities = new ArrayList<>(agent.profile().capabilities());
			granted.stream()
				.filter((capability) -> !agent.scopes().contains(capability.scope()))
				.forEach(capabilities::add);
			agent.update(agent.profile().withCapabilities(capabilities), now);
			this.agents.save(agent, actor, now);
			this.events.publishEvent(
					new AgentUpdated(agent.id(), agent.version(), List.of("capabilities"), null, null, actor));
		}
		if (lacksKey && agent.key(key.kid()).isEmpty()) {
			agent.addKey(key, now);
			this.agents.save(agent, actor, now);
			this.events.publishEvent(new KeyAdded(agent.id(), key.kid(), false, actor));
		}
		return agent;
	}

	/**
	 * Issue 14, item 8: a sub-agent's capabilities stay within its parent's on every
	 * write, as they are when it is derived.
	 */
	void checkWithinParent(Agent subAgent, AgentProfile profile) {
		Agent parent = this.agents.find(subAgent.parentId())
			.orElseThrow(() -> AgentNotFoundException.agent(subAgent.parentId()));
		Set<String> allowed = parent.scopes();
		List<Capability> capabilities = profile.capabilities();
		for (int i = 0; i < capabilities.size(); i++) {
			String scope = capabilities.get(i).scope();
			if (!allowed.contains(scope)) {
				throw new InvalidInputException("capabilities[" + i + "].scope",
						"'" + scope + "' is not a capability of the parent agent " + parent.id()
								+ ": a sub-agent's capabilities stay within its parent's");
			}
		}
	}

	/**
	 * Carries a change of an agent down to every sub-agent below it, in the same
	 * transaction, each with its own version and its own audit record: a new owner (issue
	 * 14, item 11) and removed capabilities (item 7). A sub-agent left with no capability
	 * is retired; the tokens module revokes the live tokens carrying a removed scope on
	 * {@link CapabilitiesRemoved}.
	 */
	void cascade(Agent agent, String previousOwner, Set<String> removed, String actor, Instant now) {
		String owner = agent.owner();
		boolean transferred = !owner.equals(previousOwner);
		List<String> removedScopes = List.copyOf(removed);
		List<AgentId> below = this.agents.descendants(agent.id());
		List<AgentId> narrowed = new ArrayList<>();
		List<AgentId> retired = new ArrayList<>();
		String why = cause(agent, transferred, removedScopes);
		for (AgentId subAgentId : below) {
			Agent sub = this.agents.lock(subAgentId).orElseThrow();
			if (sub.status() == AgentStatus.RETIRED) {
				continue;
			}
			List<Capability> kept = sub.profile()
				.capabilities()
				.stream()
				.filter((capability) -> !removed.contains(capability.scope()))
				.toList();
			boolean narrows = kept.size() < sub.profile().capabilities().size();
			if (narrows && kept.isEmpty()) {
				sub.retire(now);
				this.agents.save(sub, actor, now);
				this.events
					.publishEvent(new AgentRetired(sub.id(), List.of(), "its last capabilities were removed from "
							+ agent.id() + ": " + String.join(" ", removedScopes), actor));
				retired.add(sub.id());
				continue;
			}
			AgentProfile profile = sub.profile();
			if (narrows) {
				profile = profile.withCapabilities(kept);
			}
			String subOwner = profile.owner();
			if (transferred) {
				profile = profile.withOwner(owner);
			}
			if (!sub.update(profile, now)) {
				continue;
			}
			this.agents.save(sub, actor, now);
			List<String> changed = new ArrayList<>();
			if (narrows) {
				changed.add("capabilities");
				narrowed.add(sub.id());
			}
			boolean subTransferred = !subOwner.equals(owner);
			if (subTransferred) {
				changed.add("owner");
			}
			this.events.publishEvent(new AgentUpdated(sub.id(), sub.version(), changed,
					subTransferred ? subOwner : null, subTransferred ? owner : null, actor, why));
		}
		if (!removed.isEmpty()) {
			this.events
				.publishEvent(new CapabilitiesRemoved(agent.id(), removedScopes, below, narrowed, retired, actor));
		}
	}

	private static String cause(Agent agent, boolean transferred, List<String> removedScopes) {
		List<String> causes = new ArrayList<>();
		if (transferred) {
			causes.add("owner transferred with " + agent.id());
		}
		if (!removedScopes.isEmpty()) {
			causes.add("capabilities removed from " + agent.id() + ": " + listed(removedScopes));
		}
		return String.join("; ", causes);
	}

	/**
	 * Scopes for an audit reason (at most 1,024 characters): the first ones, then an
	 * ellipsis; the audit details list them all.
	 */
	private static String listed(List<String> scopes) {
		String all = String.join(" ", scopes);
		return (all.length() <= 512) ? all : all.substring(0, 512) + " …";
	}

}
