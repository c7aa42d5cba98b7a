package dev.agentidp.registry;

/**
 * An update named a version ({@code If-Match}) that is no longer the current one.
 */
public final class AgentVersionMismatchException extends RuntimeException {

	private final long currentVersion;

	/**
	 * @param expected the version the caller expected
	 * @param current the current version
	 */
	public AgentVersionMismatchException(String expected, long current) {
		super("The agent is at version " + current + ", not " + expected);
		this.currentVersion = current;
	}

	/**
	 * The agent's current version.
	 * @return the version
	 */
	public long currentVersion() {
		return this.currentVersion;
	}

}
