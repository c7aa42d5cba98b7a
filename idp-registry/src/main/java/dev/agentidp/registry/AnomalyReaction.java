package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the provider does when an anomaly rule fires for an agent
 * ({@code tokenPolicy.anomaly.reactions}, docs/signals.md "Reactions").
 */
public enum AnomalyReaction {

	/** The anomaly is recorded, audited and signalled; nothing is stopped. */
	FLAG("flag"),

	/**
	 * As {@link #FLAG}, and the policy decision point denies the agent's calls with
	 * {@code anomaly} until a person clears it (or a human's approval covers the call).
	 */
	STEP_UP("step_up"),

	/**
	 * As {@link #FLAG}, and the agent is suspended with its sub-agents, its tokens
	 * revoked.
	 */
	SUSPEND("suspend");

	/** The rule for a reaction, as the admin API states it. */
	public static final String RULE = "must be one of flag, step_up, suspend";

	private final String value;

	AnomalyReaction(String value) {
		this.value = value;
	}

	/**
	 * The wire value.
	 * @return the lowercase value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value the wire value
	 * @return the reaction, or empty when unknown
	 */
	public static Optional<AnomalyReaction> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

}
