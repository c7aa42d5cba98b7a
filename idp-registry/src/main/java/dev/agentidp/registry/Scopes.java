package dev.agentidp.registry;

/**
 * Scope strings: RFC 6749 §3.3 {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}, that
 * is printable ASCII without spaces, control characters, {@code "} or {@code \}; at most
 * 128 characters here.
 */
final class Scopes {

	static final String RULE = "must be 1-128 characters of RFC 6749 §3.3 scope-token syntax"
			+ " (printable ASCII without spaces, control characters, '\"' or '\\')";

	private Scopes() {
	}

	static boolean isValid(String scope) {
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
