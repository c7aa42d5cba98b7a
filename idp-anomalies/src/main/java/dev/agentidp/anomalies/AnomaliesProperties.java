package dev.agentidp.anomalies;

import java.time.Duration;

import dev.agentidp.registry.AnomalyPolicy;
import dev.agentidp.registry.AnomalyReaction;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the anomaly detection ({@code idp.anomalies.*}, docs/signals.md),
 * checked when it is bound: a value out of range refuses the start with the property's
 * name and its range. An agent's {@code tokenPolicy.anomaly} overrides the thresholds and
 * reactions for that agent.
 *
 * @param flushInterval how often each node adds the counts it keeps in memory to
 * PostgreSQL and runs the rules on the agents they touched (default 5 s, 1 s to 1 min)
 * @param baselineDays how many days of hourly counts make an agent's baseline (default 7)
 * @param learningPeriodHours how long after its registration an agent is only learned
 * from: the rules that compare with a baseline ({@code rate}, {@code new_resource},
 * {@code sub_agents}) do not fire before (default 48 h)
 * @param rateFactor the {@code rate} rule's k: decisions in 5 minutes above k × the
 * baseline's 5 minutes (default 4)
 * @param minimumCalls the fewest decisions in a window for the {@code rate} and
 * {@code denials} rules to fire (default 20)
 * @param denialPercent the {@code denials} rule's share: denied decisions above this
 * percentage of the last hour's (default 30)
 * @param subAgentFactor the {@code sub_agents} rule's k: sub-agents derived in the last
 * hour above k × the baseline's hour (default 4)
 * @param minimumSubAgents the fewest sub-agents derived in an hour for the
 * {@code sub_agents} rule to fire (default 5)
 * @param failedAuthentications the {@code failed_authentication} rule's threshold: failed
 * client authentications of one agent, from every source and node together (default 20)
 * @param rateReaction the {@code rate} rule's reaction (default {@code step_up})
 * @param newResourceReaction the {@code new_resource} rule's (default {@code flag})
 * @param denialsReaction the {@code denials} rule's (default {@code flag})
 * @param subAgentsReaction the {@code sub_agents} rule's (default {@code flag})
 * @param failedAuthenticationReaction the {@code failed_authentication} rule's (default
 * {@code flag}: agent ids are public, so a default of {@code suspend} would let anyone
 * suspend any agent with bad assertions)
 * @param stepUpCacheTtl how long a node keeps whether an agent awaits a person's review
 * (default 2 s, at most 1 min): the longest a step-up raised or cleared on one node takes
 * to reach the decisions of another
 * @param unusedDays the unused-permissions report's window (default 30 days)
 * @param maxKeyAgeDays the stale-keys report's limit: agents whose newest key is older
 * (default 90 days)
 */
@ConfigurationProperties("idp.anomalies")
@Validated
public record AnomaliesProperties(
		@DefaultValue("5s") @DurationMin(seconds = 1, message = "must be between 1 second and 1 minute") @DurationMax(
				minutes = 1, message = "must be between 1 second and 1 minute") Duration flushInterval,
		@DefaultValue("7") @Range(min = 1, max = 90) int baselineDays,
		@DefaultValue("48") @Range(min = 0, max = AnomalyPolicy.MAX_LEARNING_PERIOD_HOURS) int learningPeriodHours,
		@DefaultValue("4") @Range(min = 1, max = AnomalyPolicy.MAX_FACTOR) int rateFactor,
		@DefaultValue("20") @Range(min = 1, max = AnomalyPolicy.MAX_COUNT) int minimumCalls,
		@DefaultValue("30") @Range(min = 1, max = 100) int denialPercent,
		@DefaultValue("4") @Range(min = 1, max = AnomalyPolicy.MAX_FACTOR) int subAgentFactor,
		@DefaultValue("5") @Range(min = 1, max = AnomalyPolicy.MAX_COUNT) int minimumSubAgents,
		@DefaultValue("20") @Range(min = 1, max = AnomalyPolicy.MAX_COUNT) int failedAuthentications,
		@DefaultValue("step_up") AnomalyReaction rateReaction,
		@DefaultValue("flag") AnomalyReaction newResourceReaction,
		@DefaultValue("flag") AnomalyReaction denialsReaction, @DefaultValue("flag") AnomalyReaction subAgentsReaction,
		@DefaultValue("flag") AnomalyReaction failedAuthenticationReaction,
		@DefaultValue("2s") @DurationMin(millis = 0, message = "must be between 0 and 1 minute") @DurationMax(
				minutes = 1, message = "must be between 0 and 1 minute") Duration stepUpCacheTtl,
		@DefaultValue("30") @Range(min = 1, max = 365) int unusedDays,
		@DefaultValue("90") @Range(min = 1, max = 3650) int maxKeyAgeDays) {

	/** The defaults. */
	public static final AnomaliesProperties DEFAULTS = new AnomaliesProperties(Duration.ofSeconds(5), 7, 48, 4, 20, 30,
			4, 5, 20, AnomalyReaction.STEP_UP, AnomalyReaction.FLAG, AnomalyReaction.FLAG, AnomalyReaction.FLAG,
			AnomalyReaction.FLAG, Duration.ofSeconds(2), 30, 90);

}
