package dev.agentidp.registry;

/**
 * An aggregate refused a transition its state does not allow (resuming a retired agent,
 * retiring an agent's last active key, ...). Nothing was changed.
 */
public final class IllegalAgentStateException extends IllegalStateException {

	/**
	 * @param message why the transition is not allowed
	 */
	public IllegalAgentStateException(String message) {
		super(message);
	}

}
