package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * The status of an agent key. A retiring key works until its expiry, then counts as
 * revoked.
 */
public enum KeyStatus {

	/** Usable. */
	ACTIVE("active"),

	/** Usable until its expiry (a rotation's grace period). */
	RETIRING("retiring"),

	/** Never usable again. */
	REVOKED("revoked");

	private final String value;

	KeyStatus(String value) {
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
	public static Optional<KeyStatus> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

	/**
	 * The wire values, for error messages.
	 * @return the values separated by {@code |}
	 */
	static String choices() {
		return String.join("|", Arrays.stream(values()).map(KeyStatus::value).toList());
	}

}
