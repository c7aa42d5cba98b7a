package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * The risk of a capability; an agent's risk level is the highest among its capabilities.
 * Ordered from the lowest to the highest.
 */
public enum RiskLevel {

	/** Low risk. */
	LOW("low"),

	/** Medium risk. */
	MEDIUM("medium"),

	/** High risk. */
	HIGH("high"),

	/** Critical risk. */
	CRITICAL("critical");

	private final String value;

	RiskLevel(String value) {
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
	public static Optional<RiskLevel> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	public static String choices() {
		return String.join("|", Arrays.stream(values()).map(RiskLevel::value).toList());
	}

}
