package dev.agentidp.policy;

import dev.agentidp.approvals.ApprovalId;

/**
 * Counts the uses of approvals with the decisions that use them, inside the decision's
 * group transaction ({@code Approvals#use}, one conditional {@code UPDATE}).
 */
interface ApprovalUses {

	/** No approvals (tests of rules that need none). */
	ApprovalUses NONE = new ApprovalUses() {

		@Override
		public boolean use(ApprovalId id) {
			return false;
		}

		@Override
		public void release(ApprovalId id) {
		}

	};

	/**
	 * Counts one use.
	 * @param id the approval
	 * @return {@code true} when a use was left and is now counted
	 */
	boolean use(ApprovalId id);

	/**
	 * Gives back a use counted in this transaction, when the decision is denied after
	 * all.
	 * @param id the approval
	 */
	void release(ApprovalId id);

}
