package dev.agentidp.registry;

/**
 * No client that is not an agent has the id asked for.
 */
public final class ClientNotFoundException extends RuntimeException {

	/**
	 * @param message what was not found
	 */
	public ClientNotFoundException(String message) {
		super(message);
	}

	static ClientNotFoundException client(String clientId) {
		if (clientId != null && clientId.length() == 36 && clientId.chars().filter((c) -> c == '-').count() == 4) {
			return new ClientNotFoundException("No client " + clientId + ": an id shaped like a UUID is an agent's;"
					+ " agents are at /admin/v1/agents/" + clientId + " (suspend or retire them there)");
		}
		// the id is echoed only when it is one a client could have
		if (clientId != null && clientId.matches("[A-Za-z0-9._-]{1,128}")) {
			return new ClientNotFoundException("No client " + clientId);
		}
		return new ClientNotFoundException("No such client");
	}

}
