package dev.agentidp.anomalies;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AnomalyReaction;

/**
 * An anomaly as recorded ({@code anomaly}, V21).
 *
 * @param id its id
 * @param agentId the agent
 * @param rule the rule that fired
 * @param reaction what was done
 * @param summary the evidence in a sentence
 * @param evidence the counts, the baseline, the window, the thresholds
 * @param detectedAt when
 * @param clearedAt when a person cleared it, or {@code null}
 * @param clearedBy who, or {@code null}
 * @param clearReason why, or {@code null}
 */
public record Anomaly(UUID id, AgentId agentId, AnomalyRule rule, AnomalyReaction reaction, String summary,
		Map<String, Object> evidence, Instant detectedAt, Instant clearedAt, String clearedBy, String clearReason) {

	/**
	 * Whether the anomaly still stops the agent's calls: a {@code step_up} not cleared.
	 * @return {@code true} when it is pending
	 */
	public boolean pending() {
		return this.reaction == AnomalyReaction.STEP_UP && this.clearedAt == null;
	}

}
