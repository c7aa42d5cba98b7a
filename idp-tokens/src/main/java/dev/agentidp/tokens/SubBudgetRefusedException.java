package dev.agentidp.tokens;

/**
 * A sub-budget that cannot be carved ({@link SubBudgets#carve}); its message says why,
 * for an {@code error_description}.
 */
public class SubBudgetRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message why, for the client
	 */
	public SubBudgetRefusedException(String message) {
		super(message);
	}

}
