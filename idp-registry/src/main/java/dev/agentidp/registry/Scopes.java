package dev.agentidp.registry;

/**
 * Scope strings: RFC 6749 §3.3 {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}, that
 * is printable ASCII without spaces, control characters, {@code "} or {@code \}; at most
 * 128 characters here. Rules of what may be written (the admin API's request records and
 * {@link ProfileInvariants} apply them), never of what is read.
 */
public final class Scopes {

	/** The syntax rule, as the admin API states it. */
	public static final String RULE = "must be 1-128 characters of RFC 6749 §3.3 scope-token syntax"
			+ " (printable ASCII without spaces, control characters, '\"' or '\\')";

	/** The rule that keeps the provider's own scopes from agents. */
	public static final String RESERVED_RULE = "must not start with 'idp:': those scopes are the provider's own"
			+ " (admin API, audit reads) and are never an agent's capability";

	private Scopes() {
	}

	/**
	 * Whether a scope belongs to the provider itself ({@code idp:admin},
	 * {@code idp:audit:read}, any future {@code idp:} scope): an agent holding one could
	 * use the admin API, so no agent may have it as a capability.
	 * @param scope the scope
	 * @return {@code true} for a reserved scope
	 */
	public static boolean isReserved(String scope) {
		return scope.regionMatches(true, 0, "idp:", 0, 4);
	}

	/**
	 * Whether a scope follows RFC 6749 §3.3 {@code scope-token} syntax, at most 128
	 * characters.
	 * @param scope the scope, or {@code null}
	 * @return {@code true} when it does
	 */
	public static boolean isValid(String scope) {
		if (scope == null || scope.isEmpty() || scope.length() > 128) {
			return false;
		}
		for (int i = 0; i < scope.length(); i++) {
			char c = scope.charAt(i);
			if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}
