package dev.agentidp.audit;

/**
 * A query parameter of the audit trail that cannot be used (an unreadable cursor, for
 * instance).
 */
public final class InvalidAuditQueryException extends IllegalArgumentException {

	private final String parameter;

	/**
	 * @param parameter the parameter's name as the API spells it
	 * @param message what is wrong with it
	 */
	public InvalidAuditQueryException(String parameter, String message) {
		super(message);
		this.parameter = parameter;
	}

	/**
	 * The parameter at fault.
	 * @return its name, e.g. {@code cursor}
	 */
	public String getParameter() {
		return this.parameter;
	}

}
