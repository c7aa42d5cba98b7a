package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * The lifecycle status of an agent: active and suspended may change into each other,
 * retired is final.
 */
public enum AgentStatus {

	/** May authenticate and get tokens. */
	ACTIVE("active"),

	/** May not authenticate until resumed. */
	SUSPENDED("suspended"),

	/** May never authenticate again (final). */
	RETIRED("retired");

	private final String value;

	AgentStatus(String value) {
		this.value = value;
	}

	/**
	 * The wire and database value.
	 * @return the lowercase value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value the wire value
	 * @return the constant, or empty when the value is unknown
	 */
	public static Optional<AgentStatus> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	static String choices() {
		return String.join("|", Arrays.stream(values()).map(AgentStatus::value).toList());
	}

}
