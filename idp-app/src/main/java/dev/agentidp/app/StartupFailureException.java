package dev.agentidp.app;

import org.springframework.util.Assert;

/**
 * A start-up failure the operator can fix, told in two sentences (what is wrong, what to
 * do) by {@link StartupFailureAnalyzer} instead of a stack trace.
 */
class StartupFailureException extends RuntimeException {

	private final String action;

	StartupFailureException(String description, String action, Throwable cause) {
		super(description, cause);
		Assert.hasText(description, "description cannot be empty");
		Assert.hasText(action, "action cannot be empty");
		this.action = action;
	}

	StartupFailureException(String description, String action) {
		this(description, action, null);
	}

	String action() {
		return this.action;
	}

}
