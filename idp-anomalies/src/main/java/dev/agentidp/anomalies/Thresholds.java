package dev.agentidp.anomalies;

import java.time.Duration;

import dev.agentidp.registry.AnomalyPolicy;
import dev.agentidp.registry.AnomalyReaction;

/**
 * The thresholds and reactions that apply to one agent: its {@code tokenPolicy.anomaly}
 * where it sets them, the configuration's ({@code idp.anomalies.*}) elsewhere.
 *
 * @param learningPeriod how long after registration the agent is only learned from
 * @param rateFactor the {@code rate} rule's k
 * @param minimumCalls the fewest decisions in a window for {@code rate} and
 * {@code denials}
 * @param denialPercent the {@code denials} rule's share
 * @param subAgentFactor the {@code sub_agents} rule's k
 * @param minimumSubAgents the fewest sub-agents for {@code sub_agents}
 * @param failedAuthentications the {@code failed_authentication} rule's threshold
 * @param policy the agent's own policy, for its reactions
 * @param properties the configuration, for the other reactions
 */
record Thresholds(Duration learningPeriod, int rateFactor, int minimumCalls, int denialPercent, int subAgentFactor,
		int minimumSubAgents, int failedAuthentications, AnomalyPolicy policy, AnomaliesProperties properties) {

	static Thresholds of(AnomaliesProperties properties, AnomalyPolicy policy) {
		return new Thresholds(Duration.ofHours(or(policy.learningPeriodHours(), properties.learningPeriodHours())),
				or(policy.rateFactor(), properties.rateFactor()), or(policy.minimumCalls(), properties.minimumCalls()),
				or(policy.denialPercent(), properties.denialPercent()),
				or(policy.subAgentFactor(), properties.subAgentFactor()), properties.minimumSubAgents(),
				or(policy.failedAuthentications(), properties.failedAuthentications()), policy, properties);
	}

	/**
	 * The reaction of a rule for this agent.
	 * @param rule the rule
	 * @return its reaction
	 */
	AnomalyReaction reaction(AnomalyRule rule) {
		AnomalyReaction own = this.policy.reactions().get(rule.value());
		if (own != null) {
			return own;
		}
		return switch (rule) {
			case RATE -> this.properties.rateReaction();
			case NEW_RESOURCE -> this.properties.newResourceReaction();
			case DENIALS -> this.properties.denialsReaction();
			case SUB_AGENTS -> this.properties.subAgentsReaction();
			case FAILED_AUTHENTICATION -> this.properties.failedAuthenticationReaction();
		};
	}

	private static int or(Integer own, int configured) {
		return (own != null) ? own : configured;
	}

}
