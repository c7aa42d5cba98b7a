package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * How sensitive a data resource is.
 */
public enum Sensitivity {

	/** Public data. */
	PUBLIC("public"),

	/** Internal data. */
	INTERNAL("internal"),

	/** Confidential data. */
	CONFIDENTIAL("confidential"),

	/** Restricted data (regulated, secret). */
	RESTRICTED("restricted");

	private final String value;

	Sensitivity(String value) {
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
	public static Optional<Sensitivity> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	public static String choices() {
		return String.join("|", Arrays.stream(values()).map(Sensitivity::value).toList());
	}

}
