package dev.agentidp.registry;

/**
 * A client cannot make the transition asked for (disabling a disabled client, or the
 * client that asks). Nothing was changed.
 */
public final class IllegalClientStateException extends IllegalStateException {

	/**
	 * @param message why the transition is not allowed
	 */
	public IllegalClientStateException(String message) {
		super(message);
	}

}
