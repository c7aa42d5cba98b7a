package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * How an agent accesses a data resource.
 */
public enum Access {

	/** Reads it. */
	READ("read"),

	/** Writes it. */
	WRITE("write"),

	/** Deletes from it. */
	DELETE("delete");

	private final String value;

	Access(String value) {
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
	public static Optional<Access> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	public static String choices() {
		return String.join("|", Arrays.stream(values()).map(Access::value).toList());
	}

}
