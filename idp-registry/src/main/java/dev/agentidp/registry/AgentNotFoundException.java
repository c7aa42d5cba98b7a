package dev.agentidp.registry;

/**
 * No agent (or no key of the agent) has the id asked for.
 */
public final class AgentNotFoundException extends RuntimeException {

	/**
	 * @param message what was not found
	 */
	public AgentNotFoundException(String message) {
		super(message);
	}

	/**
	 * @param id the agent id not found
	 * @return the exception
	 */
	static AgentNotFoundException agent(AgentId id) {
		return new AgentNotFoundException("No agent " + id);
	}

}
