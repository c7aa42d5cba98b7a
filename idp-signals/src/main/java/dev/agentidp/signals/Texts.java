package dev.agentidp.signals;

/** Text from a request, as a refusal may show it. */
final class Texts {

	private static final int SHOWN = 64;

	private Texts() {
	}

	/** At most 64 characters, control characters replaced. */
	static String shown(String text) {
		String cut = (text.length() > SHOWN) ? text.substring(0, SHOWN) + "…" : text;
		StringBuilder shown = new StringBuilder(cut.length());
		cut.codePoints().forEach((c) -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		return shown.toString();
	}

}
