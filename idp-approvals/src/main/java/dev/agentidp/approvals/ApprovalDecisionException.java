package dev.agentidp.approvals;

/**
 * A decision that cannot be taken: the request is unknown, decided already, expired, or
 * the person may not decide it. The admin API and the console answer it as a problem (RFC
 * 9457) with {@link #getMessage()} as its detail.
 */
public final class ApprovalDecisionException extends RuntimeException {

	/** Why a decision is refused. */
	public enum Reason {

		/** No such request. */
		NOT_FOUND,
		/** Approved or denied already. */
		ALREADY_DECIDED,
		/** Past its expiry. */
		EXPIRED,
		/** The person holds none of the approver roles, or is not the one named. */
		NOT_ENTITLED,
		/**
		 * The agent's owner deciding their own agent's request (separation of duties).
		 */
		OWN_AGENT

	}

	private final Reason reason;

	/**
	 * @param reason why
	 * @param message what the person is told
	 */
	public ApprovalDecisionException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	/**
	 * Why the decision is refused.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

}
