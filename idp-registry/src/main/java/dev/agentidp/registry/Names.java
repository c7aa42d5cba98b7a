package dev.agentidp.registry;

import java.util.regex.Pattern;

/**
 * Agent names: {@code [A-Za-z0-9._-]{1,64}}.
 */
final class Names {

	static final String RULE = "must match [A-Za-z0-9._-]{1,64}";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private Names() {
	}

	static boolean isValid(String name) {
		return name != null && NAME.matcher(name).matches();
	}

}
