package dev.agentidp.policy;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an access request is about: a tool of the agent's document ({@code tools[].id}, an
 * action among its {@code permissions}) or a data resource ({@code dataAccess[]
 * .resource}, an action among {@code read}, {@code write}, {@code delete}).
 */
public enum ResourceType {

	/** A tool the agent calls. */
	TOOL("tool"),

	/** A data resource the agent touches. */
	DATA("data");

	private final String value;

	ResourceType(String value) {
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
	 * @return the type, or empty when unknown
	 */
	public static Optional<ResourceType> from(String value) {
		return Arrays.stream(values()).filter((candidate) -> candidate.value.equals(value)).findFirst();
	}

}
