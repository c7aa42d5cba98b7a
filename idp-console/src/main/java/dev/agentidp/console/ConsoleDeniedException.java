package dev.agentidp.console;

import org.springframework.security.access.AccessDeniedException;

/**
 * A console request refused by {@link ConsoleAccess} on one agent: {@link ConsoleModel}
 * audits it on that agent's chain and answers the 403 page.
 */
class ConsoleDeniedException extends AccessDeniedException {

	private final String chain;

	ConsoleDeniedException(String chain, String reason) {
		super(reason);
		this.chain = chain;
	}

	String chain() {
		return this.chain;
	}

}
