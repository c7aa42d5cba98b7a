package dev.agentidp.app;

/**
 * Checks on text that came from a request.
 */
final class Texts {

	private Texts() {
	}

	/** Whether the text holds a UTF-16 surrogate without its pair (not Unicode text). */
	static boolean hasLoneSurrogate(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

}
