package dev.agentidp.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an agent must prove when it asks for a token
 * ({@code tokenPolicy.proofOfPossession}, RFC 9449).
 */
public enum ProofOfPossession {

	/** Bearer tokens allowed; a DPoP proof, when sent, binds the token. */
	NONE("none"),

	/** Every token request carries a DPoP proof; every token is bound to its key. */
	DPOP("dpop"),

	/**
	 * Every token request carries a DPoP proof signed by one of the agent's own active
	 * keys: the token is bound to the agent's registered identity.
	 */
	DPOP_REGISTERED_KEY("dpop-registered-key");

	private final String value;

	ProofOfPossession(String value) {
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
	public static Optional<ProofOfPossession> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

}
