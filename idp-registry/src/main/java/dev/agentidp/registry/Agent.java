package dev.agentidp.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * An agent: a first-class identity with an accountable owner, declared capabilities, its
 * own keys and a lifecycle. The aggregate guards its own transitions and throws
 * {@link IllegalAgentStateException} (an {@link IllegalStateException}) on an illegal
 * one; every change increments its version. Outside the registry it is read-only. It
 * stays one class above 300 lines (issue 15): its transitions, its keys and its version
 * guard the same invariants (the last active key, retirement being final), which split
 * apart could no longer be read and checked in one place.
 */
public final class Agent {

	private final AgentId id;

	private final AgentId parentId;

	private final Instant createdAt;

	private final List<AgentKey> keys;

	private AgentProfile profile;

	private AgentStatus status;

	private long version;

	private Instant updatedAt;

	Agent(AgentId id, AgentId parentId, AgentProfile profile, AgentStatus status, long version, List<AgentKey> keys,
			Instant createdAt, Instant updatedAt) {
		Assert.notNull(id, "id cannot be null");
		Assert.notNull(profile, "profile cannot be null");
		Assert.notNull(status, "status cannot be null");
		Assert.isTrue(version >= 1, "version must be positive");
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(createdAt, "createdAt cannot be null");
		Assert.notNull(updatedAt, "updatedAt cannot be null");
		this.id = id;
		this.parentId = parentId;
		this.profile = profile;
		this.status = status;
		this.version = version;
		this.keys = new ArrayList<>(keys);
		this.createdAt = createdAt;
		this.updatedAt = updatedAt;
	}

	/**
	 * A new agent, active, at version 1.
	 * @param id its id
	 * @param parentId the parent of a derived sub-agent, else {@code null}
	 * @param profile its profile
	 * @param key its first key; {@code null} only for a derived sub-agent registered
	 * without one (it cannot authenticate until it has a key)
	 * @param now the time
	 * @return the agent
	 */
	static Agent register(AgentId id, AgentId parentId, AgentProfile profile, AgentKey key, Instant now) {
		Assert.isTrue(key != null || parentId != null || !profile.workloadIdentity().isEmpty(),
				"a root agent needs a key or a workload identity");
		return new Agent(id, parentId, profile, AgentStatus.ACTIVE, 1, (key != null) ? List.of(key) : List.of(), now,
				now);
	}

	/**
	 * The agent id.
	 * @return the id
	 */
	public AgentId id() {
		return this.id;
	}

	/**
	 * The parent of a derived sub-agent.
	 * @return the parent id, or {@code null} for a root agent
	 */
	public AgentId parentId() {
		return this.parentId;
	}

	/**
	 * Whether this is a derived sub-agent.
	 * @return {@code true} when it has a parent
	 */
	public boolean isDerived() {
		return this.parentId != null;
	}

	/**
	 * The administrator-written part of the identity document.
	 * @return the profile
	 */
	public AgentProfile profile() {
		return this.profile;
	}

	/**
	 * The name.
	 * @return the name
	 */
	public String name() {
		return this.profile.name();
	}

	/**
	 * The accountable owner.
	 * @return the owner's email address
	 */
	public String owner() {
		return this.profile.owner();
	}

	/**
	 * The scopes the agent may hold: those of its capabilities.
	 * @return the scopes
	 */
	public Set<String> scopes() {
		return this.profile.scopes();
	}

	/**
	 * The token policy.
	 * @return the policy
	 */
	public TokenPolicy tokenPolicy() {
		return this.profile.tokenPolicy();
	}

	/**
	 * The risk level: the highest risk among the capabilities.
	 * @return the risk level
	 */
	public RiskLevel riskLevel() {
		return this.profile.riskLevel();
	}

	/**
	 * The lifecycle status of this agent alone (see
	 * {@link AgentRegistry#isActiveWithAncestors(AgentId)} for its ancestors).
	 * @return the status
	 */
	public AgentStatus status() {
		return this.status;
	}

	/**
	 * The version, incremented on every change.
	 * @return the version, from 1
	 */
	public long version() {
		return this.version;
	}

	/**
	 * Every key the agent ever had, oldest first, with their stored status.
	 * @return the keys
	 */
	public List<AgentKey> keys() {
		return List.copyOf(this.keys);
	}

	/**
	 * The keys usable at a time (active, or retiring before their expiry).
	 * @param now the time
	 * @return the usable keys
	 */
	public List<AgentKey> usableKeys(Instant now) {
		return this.keys.stream().filter((key) -> key.usableAt(now)).toList();
	}

	/**
	 * A key by its kid.
	 * @param kid the kid
	 * @return the key, or empty
	 */
	public Optional<AgentKey> key(String kid) {
		return this.keys.stream().filter((key) -> key.kid().equals(kid)).findFirst();
	}

	/**
	 * When it was registered.
	 * @return the time
	 */
	public Instant createdAt() {
		return this.createdAt;
	}

	/**
	 * When it last changed.
	 * @return the time
	 */
	public Instant updatedAt() {
		return this.updatedAt;
	}

	/**
	 * Replaces the profile.
	 * @param newProfile the new profile
	 * @param now the time
	 * @return {@code true} when something changed (and a new version was made)
	 * @throws IllegalAgentStateException when the agent is retired
	 */
	boolean update(AgentProfile newProfile, Instant now) {
		Assert.notNull(newProfile, "newProfile cannot be null");
		requireNotRetired("updated");
		if (newProfile.equals(this.profile)) {
			return false;
		}
		this.profile = newProfile;
		touch(now);
		return true;
	}

	/**
	 * Suspends an active agent: it cannot authenticate until resumed.
	 * @param now the time
	 * @throws IllegalAgentStateException unless the agent is active
	 */
	void suspend(Instant now) {
		if (this.status != AgentStatus.ACTIVE) {
			throw new IllegalAgentStateException(
					"Only an active agent can be suspended; agent " + this.id + " is " + this.status.value());
		}
		this.status = AgentStatus.SUSPENDED;
		touch(now);
	}

	/**
	 * Resumes a suspended agent.
	 * @param now the time
	 * @throws IllegalAgentStateException unless the agent is suspended (retirement is
	 * final)
	 */
	void resume(Instant now) {
		requireNotRetired("resumed");
		if (this.status != AgentStatus.SUSPENDED) {
			throw new IllegalAgentStateException(
					"Only a suspended agent can be resumed; agent " + this.id + " is " + this.status.value());
		}
		this.status = AgentStatus.ACTIVE;
		touch(now);
	}

	/**
	 * Retires the agent, for good.
	 * @param now the time
	 * @throws IllegalAgentStateException when it is already retired
	 */
	void retire(Instant now) {
		requireNotRetired("retired again");
		this.status = AgentStatus.RETIRED;
		touch(now);
	}

	/**
	 * Adds a key.
	 * @param key the key, active
	 * @param now the time
	 * @throws IllegalAgentStateException when the agent is retired or already has the key
	 */
	void addKey(AgentKey key, Instant now) {
		Assert.notNull(key, "key cannot be null");
		Assert.isTrue(key.status() == KeyStatus.ACTIVE, "a new key must be active");
		requireNotRetired("given new keys");
		if (key(key.kid()).isPresent()) {
			throw new IllegalAgentStateException("Agent " + this.id + " already has key " + key.kid());
		}
		this.keys.add(key);
		touch(now);
	}

	/**
	 * Retires a key: revoked at once without grace, else retiring until now + grace.
	 * @param kid the key's kid
	 * @param grace how long it keeps working, zero or positive
	 * @param now the time
	 * @return the key as it is now
	 * @throws AgentNotFoundException when the agent has no such key
	 * @throws IllegalAgentStateException when the agent is retired, the key is already
	 * revoked, or it is the agent's last active key
	 */
	AgentKey retireKey(String kid, Duration grace, Instant now) {
		Assert.notNull(grace, "grace cannot be null");
		Assert.isTrue(!grace.isNegative(), "grace cannot be negative");
		requireNotRetired("changed");
		AgentKey key = key(kid)
			.orElseThrow(() -> new AgentNotFoundException("Agent " + this.id + " has no key " + kid));
		KeyStatus current = key.statusAt(now);
		if (current == KeyStatus.REVOKED) {
			throw new IllegalAgentStateException("Key " + kid + " is already revoked");
		}
		if (current == KeyStatus.ACTIVE && this.keys.stream()
			.noneMatch((other) -> !other.kid().equals(kid) && other.statusAt(now) == KeyStatus.ACTIVE)) {
			throw new IllegalAgentStateException(
					"Key " + kid + " is the last active key of agent " + this.id + ": add another key first");
		}
		AgentKey retired;
		if (grace.isZero()) {
			retired = key.withStatus(KeyStatus.REVOKED, now);
		}
		else {
			Instant expiresAt = now.plus(grace);
			if (current == KeyStatus.RETIRING && key.expiresAt().isBefore(expiresAt)) {
				expiresAt = key.expiresAt();
			}
			retired = key.withStatus(KeyStatus.RETIRING, expiresAt);
		}
		this.keys.set(this.keys.indexOf(key), retired);
		touch(now);
		return retired;
	}

	Agent withKeys(List<AgentKey> storedKeys) {
		return new Agent(this.id, this.parentId, this.profile, this.status, this.version, storedKeys, this.createdAt,
				this.updatedAt);
	}

	private void requireNotRetired(String what) {
		if (this.status == AgentStatus.RETIRED) {
			throw new IllegalAgentStateException(
					"Agent " + this.id + " is retired and cannot be " + what + " (retirement is final)");
		}
	}

	private void touch(Instant now) {
		this.version++;
		this.updatedAt = Objects.requireNonNull(now, "now cannot be null");
	}

	@Override
	public String toString() {
		return "Agent[id=" + this.id + ", name=" + name() + ", status=" + this.status.value() + ", version="
				+ this.version + "]";
	}

}
