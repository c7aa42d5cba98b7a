package dev.agentidp.registry;

import java.util.UUID;

import org.springframework.util.Assert;

/**
 * An agent's id: a UUID, which is also the agent's OAuth {@code client_id}, the name of
 * its audit chain and, for a root agent, the {@code sub} of its tokens. Its text is the
 * canonical UUID string ({@link #toString()}); SQL is given {@link #value()}.
 *
 * @param value the UUID
 */
public record AgentId(UUID value) {

	public AgentId {
		Assert.notNull(value, "value cannot be null");
	}

	/**
	 * The id of a UUID.
	 * @param value the UUID
	 * @return the id
	 */
	public static AgentId of(UUID value) {
		return new AgentId(value);
	}

	/**
	 * Reads an id as {@link UUID#fromString(String)} does (the text is not trimmed).
	 * @param value the text
	 * @return the id
	 * @throws IllegalArgumentException when the text is {@code null} or not a UUID
	 */
	public static AgentId of(String value) {
		Assert.notNull(value, "value cannot be null");
		return new AgentId(UUID.fromString(value));
	}

	/**
	 * A new random id (a version 4 UUID).
	 * @return the id
	 */
	public static AgentId random() {
		return new AgentId(UUID.randomUUID());
	}

	/**
	 * The canonical UUID string, as in the admin API, the audit trail and tokens.
	 * @return the text
	 */
	@Override
	public String toString() {
		return this.value.toString();
	}

}
