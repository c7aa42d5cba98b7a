package dev.agentidp.registry;

import java.time.Instant;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * An agent's lifecycle: suspended, resumed, retired for good with every sub-agent below
 * it. Each transition takes the agent's row lock, and suspension and retirement then stop
 * issuance for it (issue 14, item 6), so that the revocation their event triggers sees
 * every token being issued. Runs in the transaction of the {@link AgentRegistry} call
 * that uses it.
 */
final class AgentLifecycle {

	private static final int MAX_REASON_LENGTH = 512;

	private final Agents agents;

	private final ApplicationEventPublisher events;

	AgentLifecycle(Agents agents, ApplicationEventPublisher events) {
		Assert.notNull(agents, "agents cannot be null");
		Assert.notNull(events, "events cannot be null");
		this.agents = agents;
		this.events = events;
	}

	/**
	 * Suspends an active agent ({@link AgentRegistry#suspend}).
	 */
	Agent suspend(AgentId id, String reason, String actor) {
		checkReason(reason);
		Agent agent = lockStoppingIssuance(id);
		Instant now = this.agents.now();
		agent.suspend(now);
		this.agents.save(agent, actor, now);
		this.events.publishEvent(new AgentSuspended(id, this.agents.descendants(id), reason, actor));
		return agent;
	}

	/**
	 * Resumes a suspended agent ({@link AgentRegistry#resume}).
	 */
	Agent resume(AgentId id, String reason, String actor) {
		checkReason(reason);
		Agent agent = this.agents.lock(id).orElseThrow(() -> AgentNotFoundException.agent(id));
		Instant now = this.agents.now();
		agent.resume(now);
		this.agents.save(agent, actor, now);
		this.events.publishEvent(new AgentResumed(id, reason, actor));
		return agent;
	}

	/**
	 * Retires an agent and every sub-agent below it ({@link AgentRegistry#retire}).
	 */
	Agent retire(AgentId id, String reason, String actor) {
		checkReason(reason);
		Agent agent = lockStoppingIssuance(id);
		Instant now = this.agents.now();
		agent.retire(now);
		this.agents.save(agent, actor, now);
		List<AgentId> below = this.agents.descendants(id);
		for (AgentId subAgentId : below) {
			this.agents.lock(subAgentId).filter((sub) -> sub.status() != AgentStatus.RETIRED).ifPresent((sub) -> {
				sub.retire(now);
				this.agents.save(sub, actor, now);
			});
		}
		this.events.publishEvent(new AgentRetired(id, below, reason, actor));
		return agent;
	}

	/**
	 * Locks an agent's row, then stops issuance for it (issue 14, item 6): waits for the
	 * tokens being issued to it, so that the revocation that follows sees them (after the
	 * row lock, the order every transaction that takes both follows).
	 */
	private Agent lockStoppingIssuance(AgentId id) {
		Agent agent = this.agents.lock(id).orElseThrow(() -> AgentNotFoundException.agent(id));
		this.agents.stopIssuance(id);
		return agent;
	}

	private static void checkReason(String reason) {
		if (reason == null) {
			return;
		}
		if (reason.length() > MAX_REASON_LENGTH) {
			throw new InvalidInputException("reason", "must be at most " + MAX_REASON_LENGTH + " characters");
		}
		if (reason.chars().anyMatch((c) -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
			throw new InvalidInputException("reason", "must not contain control characters");
		}
	}

}
