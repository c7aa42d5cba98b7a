package dev.agentidp.audit;

/**
 * The outcome an audit record documents.
 */
public enum Decision {

	/** The request was granted or the change was made. */
	ALLOW("allow"),

	/** The request was refused; nothing changed. */
	DENY("deny");

	private final String value;

	Decision(String value) {
		this.value = value;
	}

	/**
	 * The wire and database value.
	 * @return {@code allow} or {@code deny}
	 */
	public String value() {
		return this.value;
	}

}
