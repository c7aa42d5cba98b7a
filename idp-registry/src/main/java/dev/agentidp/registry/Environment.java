package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * The environment an agent runs in.
 */
public enum Environment {

	/** Development. */
	DEV("dev"),

	/** Staging. */
	STAGING("staging"),

	/** Production. */
	PROD("prod");

	private final String value;

	Environment(String value) {
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
	public static Optional<Environment> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	public static String choices() {
		return String.join("|", Arrays.stream(values()).map(Environment::value).toList());
	}

}
