package dev.agentidp.registry;

import java.util.regex.Pattern;

/**
 * Agent names: {@code [A-Za-z0-9._-]{1,64}}. A rule of what may be written (the admin
 * API's request records and {@link ProfileInvariants} apply it), never of what is read.
 */
public final class Names {

	/** The rule, as the admin API states it. */
	public static final String RULE = "must match [A-Za-z0-9._-]{1,64}";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private Names() {
	}

	/**
	 * Whether a name follows the rule.
	 * @param name the name, or {@code null}
	 * @return {@code true} when it does
	 */
	public static boolean isValid(String name) {
		return name != null && NAME.matcher(name).matches();
	}

}
