package dev.agentidp.registry;

/**
 * The owner already has an agent of that name (names are unique per owner).
 */
public final class AgentNameTakenException extends RuntimeException {

	/**
	 * @param owner the owner
	 * @param name the name taken
	 */
	public AgentNameTakenException(String owner, String name) {
		super("name: owner " + owner + " already has an agent named " + name);
	}

}
