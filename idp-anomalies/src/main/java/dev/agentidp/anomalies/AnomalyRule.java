package dev.agentidp.anomalies;

import java.util.Arrays;
import java.util.Optional;

import dev.agentidp.registry.AnomalyPolicy;

/**
 * The named anomaly rules (docs/signals.md "Rules"), with their wire names, as
 * {@code tokenPolicy.anomaly.reactions} and the {@code anomaly.detected} records name
 * them.
 */
public enum AnomalyRule {

	/** Decisions in 5 minutes above k × the baseline's 5 minutes. */
	RATE("rate"),

	/** A tool or data resource the agent was never allowed to use before. */
	NEW_RESOURCE("new_resource"),

	/** Denied decisions above a share of the last hour's, over enough of them. */
	DENIALS("denials"),

	/** Sub-agents derived in the last hour above k × the baseline's hour. */
	SUB_AGENTS("sub_agents"),

	/** Failed client authentications above a threshold, counted across nodes. */
	FAILED_AUTHENTICATION("failed_authentication");

	private final String value;

	AnomalyRule(String value) {
		this.value = value;
	}

	/**
	 * The wire value.
	 * @return the name, as in {@link AnomalyPolicy#RULES}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value the wire value
	 * @return the rule, or empty when unknown
	 */
	public static Optional<AnomalyRule> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

}
