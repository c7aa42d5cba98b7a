package dev.agentidp.signals;

import java.util.Arrays;
import java.util.Optional;

/**
 * The domain events the provider signals, named as their audit records are (a webhook
 * subscription lists the ones it wants).
 */
public enum SignalType {

	/** Tokens were revoked, with every token derived from them. */
	TOKEN_REVOKED("token.revoked"),

	/** An agent was suspended with its sub-agents. */
	AGENT_SUSPENDED("agent.suspended"),

	/** A suspended agent was resumed. */
	AGENT_RESUMED("agent.resumed"),

	/** An agent was retired with its sub-agents. */
	AGENT_RETIRED("agent.retired"),

	/** A key was added to an agent. */
	KEY_ADDED("key.added"),

	/** An agent's key was retired (revoked at once, or retiring). */
	KEY_RETIRED("key.retired"),

	/** Capabilities were removed from an agent and its sub-agents. */
	CAPABILITIES_REMOVED("agent.capabilities_removed"),

	/**
	 * An agent asked for a person's approval (docs/approvals.md), so that its owner and
	 * approvers can be told; webhooks only (no SSF event says this).
	 */
	APPROVAL_REQUESTED("approval.requested"),

	/**
	 * The detection found an anomaly in an agent's behaviour and reacted
	 * (docs/signals.md); webhooks only (a suspension it causes is signalled as such).
	 */
	ANOMALY_DETECTED("anomaly.detected");

	private final String value;

	SignalType(String value) {
		this.value = value;
	}

	/**
	 * The name, as in a subscription and a delivery's {@code type}.
	 * @return the name
	 */
	public String value() {
		return this.value;
	}

	/**
	 * The type of a name.
	 * @param value the name
	 * @return the type, or empty when no type has that name
	 */
	public static Optional<SignalType> fromValue(String value) {
		return Arrays.stream(values()).filter((type) -> type.value.equals(value)).findFirst();
	}

}
