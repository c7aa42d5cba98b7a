package dev.agentidp.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Owner email addresses: a pragmatic subset of RFC 5322 {@code addr-spec} (one {@code @},
 * no spaces or control characters, a dotted domain), at most 254 characters, compared and
 * stored in lower case. A rule of what may be written, never of what is read.
 */
public final class Emails {

	/** The rule, as the admin API states it. */
	public static final String RULE = "must be an email address such as owner@example.com (at most 254 characters)";

	private static final Pattern EMAIL = Pattern.compile(
			"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

	private Emails() {
	}

	/**
	 * Whether an address follows the rule.
	 * @param email the address, or {@code null}
	 * @return {@code true} when it does
	 */
	public static boolean isValid(String email) {
		return email != null && email.length() <= 254 && EMAIL.matcher(email).matches();
	}

	/**
	 * The form an address is stored and compared in (an agent's owner, a person's
	 * address): lower case.
	 * @param email the address
	 * @return the address in lower case
	 */
	public static String normalize(String email) {
		return email.toLowerCase(Locale.ROOT);
	}

}
