package dev.agentidp.audit;

/**
 * Request input made safe to record or log: at most a given number of characters, cut on
 * code points (never inside a surrogate pair), control characters and lone surrogates
 * written as {@code ?}. Half a surrogate pair is not Unicode text: PostgreSQL cannot
 * store it, and an audit record holding it could not be written.
 */
public final class PrintableText {

	private PrintableText() {
	}

	/**
	 * The printable, bounded form of a value.
	 * @param value request input
	 * @param max the most UTF-16 characters to keep
	 * @return the value cut and cleaned
	 */
	public static String of(String value, int max) {
		StringBuilder clean = new StringBuilder(Math.min(value.length(), max));
		int i = 0;
		while (i < value.length()) {
			int codePoint = value.codePointAt(i);
			int length = Character.charCount(codePoint);
			if (clean.length() + length > max) {
				break;
			}
			if (Character.isISOControl(codePoint) || (length == 1 && Character.isSurrogate((char) codePoint))) {
				clean.append('?');
			}
			else {
				clean.appendCodePoint(codePoint);
			}
			i += length;
		}
		return clean.toString();
	}

}
