package dev.agentidp.registry;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.util.Assert;

/**
 * How an agent is registered and how its identity document changes: every profile written
 * is held to {@link ProfileInvariants} and the other modules' {@link ProfileCheck}s, a
 * name is taken once per owner, and a change of owner or removed capabilities is carried
 * down to the sub-agents ({@link SubAgents}). Runs in the transaction of the
 * {@link AgentRegistry} call that uses it.
 */
final class AgentChanges {

	private final Agents agents;

	private final ApplicationEventPublisher events;

	private final SubAgents subAgents;

	/** Other modules' rules of what may be written ({@link ProfileCheck}). */
	private List<ProfileCheck> profileChecks = List.of();

	AgentChanges(Agents agents, ApplicationEventPublisher events, SubAgents subAgents) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(subAgents, "subAgents cannot be null");
		this.agents = agents;
		this.events = events;
		this.subAgents = subAgents;
	}

	void setProfileChecks(List<ProfileCheck> profileChecks) {
		this.profileChecks = List.copyOf(profileChecks);
	}

	private void check(AgentProfile profile) {
		ProfileInvariants.check(profile);
		this.profileChecks.forEach((rule) -> rule.check(profile));
	}

	/**
	 * Registers an agent ({@link AgentRegistry#register}).
	 */
	AgentRegistration register(AgentProfile profile, NewKey newKey, String actor) {
		Assert.notNull(profile, "profile cannot be null");
		check(profile);
		// an agent that authenticates with its workload identities needs no key of its
		// own (docs/workload-identity.md)
		if (newKey == null && profile.workloadIdentity().isEmpty()) {
			throw new InvalidInputException("jwk", "is required: give a public JWK, or generateKey: true");
		}
		Instant now = this.agents.now();
		AgentKeyChanges.IssuedKey key = (newKey != null) ? AgentKeyChanges.issue(newKey, now)
				: new AgentKeyChanges.IssuedKey(null, null);
		if (this.agents.isNameTaken(profile.owner(), profile.name(), null)) {
			throw new AgentNameTakenException(profile.owner(), profile.name());
		}
		Agent agent = Agent.register(AgentId.random(), null, profile, key.key(), now);
		try {
			this.agents.insert(agent, actor, now);
		}
		catch (DuplicateKeyException ex) {
			throw new AgentNameTakenException(profile.owner(), profile.name());
		}
		this.events.publishEvent(new AgentRegistered(agent.id(), agent.name(), agent.owner(), null,
				(key.key() != null) ? key.key().kid() : null, actor));
		return new AgentRegistration(agent, key.privateJwk());
	}

	/**
	 * Changes an agent's identity document under its row lock
	 * ({@link AgentRegistry#update}).
	 */
	Agent update(AgentId id, UnaryOperator<AgentProfile> change, Long expectedVersion, String actor) {
		Assert.notNull(change, "change cannot be null");
		Agent agent = this.agents.lock(id).orElseThrow(() -> AgentNotFoundException.agent(id));
		if (expectedVersion != null && expectedVersion != agent.version()) {
			throw new AgentVersionMismatchException(String.valueOf(expectedVersion), agent.version());
		}
		AgentProfile before = agent.profile();
		AgentProfile profile = change.apply(before);
		Assert.notNull(profile, "the change must give a profile");
		check(profile);
		String previousOwner = agent.owner();
		if (agent.isDerived() && !profile.owner().equals(previousOwner)) {
			throw new InvalidInputException("owner", "a derived sub-agent's owner is its parent's and cannot change");
		}
		if (agent.isDerived() && !profile.name().equals(agent.name())) {
			throw new InvalidInputException("name", "a derived sub-agent's name cannot change");
		}
		if ((!profile.owner().equals(previousOwner) || !profile.name().equals(agent.name()))
				&& this.agents.isNameTaken(profile.owner(), profile.name(), agent.id())) {
			throw new AgentNameTakenException(profile.owner(), profile.name());
		}
		if (agent.isDerived()) {
			this.subAgents.checkWithinParent(agent, profile);
		}
		Set<String> previousScopes = agent.scopes();
		Instant now = this.agents.now();
		if (!agent.update(profile, now)) {
			return agent;
		}
		try {
			this.agents.save(agent, actor, now);
		}
		catch (DuplicateKeyException ex) {
			throw new AgentNameTakenException(profile.owner(), profile.name());
		}
		List<String> changed = before.changedFields(profile);
		boolean transferred = !profile.owner().equals(previousOwner);
		this.events.publishEvent(new AgentUpdated(agent.id(), agent.version(), changed,
				transferred ? previousOwner : null, transferred ? profile.owner() : null, actor));
		Set<String> removed = new TreeSet<>(previousScopes);
		removed.removeAll(profile.scopes());
		if (transferred || !removed.isEmpty()) {
			this.subAgents.cascade(agent, previousOwner, removed, actor, now);
		}
		return agent;
	}

}
