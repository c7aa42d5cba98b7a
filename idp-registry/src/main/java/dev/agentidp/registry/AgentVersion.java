package dev.agentidp.registry;

import java.time.Instant;
import java.util.List;

import org.springframework.util.Assert;

/**
 * An identity document as it was at one version of an agent (docs/api.md "Contract"), as
 * the admin API shows it: the current one ({@link AgentRegistry#currentVersion}) or one
 * from the agent's history ({@link AgentRegistry#versions}).
 *
 * @param id the agent id
 * @param parentId the parent of a derived sub-agent, else {@code null}
 * @param version the version
 * @param status the lifecycle status at that version
 * @param profile the administrator-written fields at that version
 * @param keys the agent's keys at that version, oldest first, each with the status it was
 * shown with then ({@link AgentKey#status()}; a retiring key past its expiry shows as
 * revoked)
 * @param createdAt when the agent was registered
 * @param updatedAt when this version was made
 */
public record AgentVersion(AgentId id, AgentId parentId, long version, AgentStatus status, AgentProfile profile,
		List<AgentKey> keys, Instant createdAt, Instant updatedAt) {

	public AgentVersion {
		Assert.notNull(id, "id cannot be null");
		Assert.notNull(status, "status cannot be null");
		Assert.notNull(profile, "profile cannot be null");
		Assert.notNull(createdAt, "createdAt cannot be null");
		Assert.notNull(updatedAt, "updatedAt cannot be null");
		keys = (keys != null) ? List.copyOf(keys) : List.of();
	}

	/**
	 * An agent as it is at a time: its current version, keys with the status in force
	 * then.
	 * @param agent the agent
	 * @param now the time the key statuses are evaluated at
	 * @return the version
	 */
	static AgentVersion of(Agent agent, Instant now) {
		List<AgentKey> keys = agent.keys()
			.stream()
			.map((key) -> (key.statusAt(now) != key.status()) ? key.withStatus(key.statusAt(now), key.expiresAt())
					: key)
			.toList();
		return new AgentVersion(agent.id(), agent.parentId(), agent.version(), agent.status(), agent.profile(), keys,
				agent.createdAt(), agent.updatedAt());
	}

	/**
	 * The risk level at that version: the highest risk among the capabilities.
	 * @return the risk level
	 */
	public RiskLevel riskLevel() {
		return this.profile.riskLevel();
	}

}
