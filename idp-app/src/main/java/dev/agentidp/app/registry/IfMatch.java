package dev.agentidp.app.registry;

/**
 * Reads an {@code If-Match} header against version ETags ({@code "3"}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1">RFC 9110
 * §13.1.1</a>
 */
final class IfMatch {

	/** A version no agent has: an unreadable entity tag never matches. */
	static final long NO_MATCH = -1;

	private IfMatch() {
	}

	/**
	 * The version a request expects.
	 * @param header the {@code If-Match} header, or {@code null}
	 * @return {@code null} when absent or {@code *}; {@link #NO_MATCH} when the tag is
	 * not one of ours; else the version
	 */
	static Long expectedVersion(String header) {
		if (header == null || header.isBlank() || header.trim().equals("*")) {
			return null;
		}
		String tag = header.split(",")[0].trim();
		if (tag.startsWith("W/")) {
			// If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag never
			// matches
			return NO_MATCH;
		}
		if (tag.length() < 3 || !tag.startsWith("\"") || !tag.endsWith("\"")) {
			return NO_MATCH;
		}
		try {
			return Long.parseLong(tag.substring(1, tag.length() - 1));
		}
		catch (NumberFormatException ex) {
			return NO_MATCH;
		}
	}

}
