package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the provider does when an agent's client attestation does not match the claims its
 * document pins ({@code tokenPolicy.onAttestationMismatch}, docs/workload-identity.md
 * "Attestation").
 */
public enum AttestationMismatch {

	/** Refuse the request (the default). */
	DENY("deny"),

	/** Refuse the request and suspend the agent, which revokes its tokens. */
	SUSPEND("suspend");

	private final String value;

	AttestationMismatch(String value) {
		this.value = value;
	}

	/**
	 * The wire and database value.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Parses a wire value.
	 * @param value the wire value
	 * @return the constant, or empty when the value is unknown
	 */
	public static Optional<AttestationMismatch> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

}
