package dev.agentidp.anomalies;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AnomalyReaction;

import org.springframework.util.Assert;

/**
 * An anomaly rule fired for an agent (docs/signals.md "Reactions"): published in the
 * transaction that records it (and, for {@code suspend}, suspends the agent), recorded on
 * the agent's chain as {@value #ACTION} with its evidence, and there for other modules to
 * pick up (outbound signals).
 *
 * @param anomalyId the anomaly's id
 * @param agentId the agent
 * @param rule the rule that fired
 * @param reaction what was done
 * @param summary the evidence in a sentence
 * @param evidence the counts, the baseline, the window, the thresholds
 * @param detectedAt when
 */
public record AnomalyDetected(UUID anomalyId, AgentId agentId, AnomalyRule rule, AnomalyReaction reaction,
		String summary, Map<String, Object> evidence, Instant detectedAt) implements AuditableEvent {

	/** The audit action. */
	public static final String ACTION = "anomaly.detected";

	public AnomalyDetected {
		Assert.notNull(anomalyId, "anomalyId cannot be null");
		Assert.notNull(agentId, "agentId cannot be null");
		Assert.notNull(rule, "rule cannot be null");
		Assert.notNull(reaction, "reaction cannot be null");
		Assert.hasText(summary, "summary cannot be empty");
		evidence = Map.copyOf(evidence);
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("anomalyId", this.anomalyId.toString());
		details.put("rule", this.rule.value());
		details.put("reaction", this.reaction.value());
		details.put("evidence", this.evidence);
		// a reaction that stops the agent is a denial of its further calls
		Decision decision = (this.reaction == AnomalyReaction.FLAG) ? Decision.ALLOW : Decision.DENY;
		return new AuditEntry(this.agentId.toString(), Anomalies.ACTOR, ACTION, this.anomalyId.toString(), decision,
				this.rule.value() + ": " + this.summary, details);
	}

}
