package dev.agentidp.anomalies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AgentId;

import org.springframework.util.Assert;

/**
 * A person cleared an anomaly (docs/signals.md "Reactions"): a {@code step_up} no longer
 * stops the agent's calls. Recorded on the agent's chain as {@value #ACTION}.
 *
 * @param anomalyId the anomaly
 * @param agentId the agent
 * @param rule the rule that had fired
 * @param reason why it was cleared, or {@code null}
 * @param actor who cleared it (the admin client or person)
 */
public record AnomalyCleared(UUID anomalyId, AgentId agentId, AnomalyRule rule, String reason,
		String actor) implements AuditableEvent {

	/** The audit action. */
	public static final String ACTION = "anomaly.cleared";

	public AnomalyCleared {
		Assert.notNull(anomalyId, "anomalyId cannot be null");
		Assert.notNull(agentId, "agentId cannot be null");
		Assert.notNull(rule, "rule cannot be null");
	}

	@Override
	public AuditEntry auditEntry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("anomalyId", this.anomalyId.toString());
		details.put("rule", this.rule.value());
		return new AuditEntry(this.agentId.toString(), this.actor, ACTION, this.anomalyId.toString(), Decision.ALLOW,
				this.reason, details);
	}

}
