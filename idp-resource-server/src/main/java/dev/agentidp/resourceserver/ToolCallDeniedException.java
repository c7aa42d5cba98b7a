package dev.agentidp.resourceserver;

/**
 * A {@link ToolCall} the policy decision point denied (or could not be asked about):
 * answered 403 with {@link #reasonUser()} by the kit's exception handler.
 */
public class ToolCallDeniedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient ToolDecision decision;

	/**
	 * @param decision the denial
	 */
	public ToolCallDeniedException(ToolDecision decision) {
		super(decision.code() + ": " + decision.reasonUser(), null, false, false);
		this.decision = decision;
	}

	/**
	 * The denial.
	 * @return the decision
	 */
	public ToolDecision decision() {
		return this.decision;
	}

	/**
	 * What to tell the agent's user: the PDP's {@code reason_user}.
	 * @return the reason
	 */
	public String reasonUser() {
		return this.decision.reasonUser();
	}

}
