package dev.agentidp.policy;

/**
 * Why a decision came out as it did: {@link #ALLOWED}, or the code of the first rule that
 * failed (docs/policy.md "Rules").
 */
public enum DecisionCode {

	/** Every rule passed. */
	ALLOWED("allowed"),

	/** Rule 1: the token is not active (introspection's rules, ancestors included). */
	TOKEN_INACTIVE("token_inactive"),

	/** Rule 1: {@code subject.id} is not the token's acting agent. */
	SUBJECT_MISMATCH("subject_mismatch"),

	/**
	 * Rule 1: the token is DPoP-bound ({@code cnf.jkt}) and the request carries no proof
	 * of its key for the call, or a proof that fails RFC 9449 §4.3.
	 */
	PROOF_INVALID("proof_invalid"),

	/**
	 * Rule 2: the tool, data resource or action is not in the acting agent's document.
	 */
	NOT_DECLARED("not_declared"),

	/** Rule 3: the token's scopes do not cover the action. */
	SCOPE_MISSING("scope_missing"),

	/** Rule 4: the token's audience does not include the tool's MCP server (RFC 8707). */
	AUDIENCE_MISMATCH("audience_mismatch"),

	/** Rule 5: the capability's condition is false. */
	CONDITION_FALSE("condition_false"),

	/** Rule 6: the cost is above what remains of the task's budget. */
	BUDGET_EXHAUSTED("budget_exhausted"),

	/** Rule 6: the rest of the budget is kept for essential work. */
	BUDGET_RESERVED("budget_reserved"),

	/** Rule 7: the action needs a human's approval the token does not carry. */
	APPROVAL_REQUIRED("approval_required"),

	/** Rule 8: an anomaly signal denied the call. */
	ANOMALY("anomaly");

	private final String value;

	DecisionCode(String value) {
		this.value = value;
	}

	/**
	 * The wire value, as in {@code context.code}.
	 * @return the lowercase value
	 */
	public String value() {
		return this.value;
	}

}
