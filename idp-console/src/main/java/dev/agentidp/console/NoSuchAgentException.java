package dev.agentidp.console;

/**
 * An agent's page for an id that is no agent's (or no UUID): the 404 page.
 */
class NoSuchAgentException extends RuntimeException {

	NoSuchAgentException() {
		super("There is no such agent.");
	}

}
