package dev.agentidp.tokens;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Sub-budgets carved at token exchange ({@code budget=<amount>}, docs/tokens.md): the
 * seam through which a grant module asks the policy module, which keeps the budgets, to
 * carve part of a subject token's budget for the token derived from it, without depending
 * on it. The derived token and every token derived from it then spend from the carve and
 * from the main budget. Without an implementation, {@link #NONE} refuses every carve.
 */
public interface SubBudgets {

	/** No budgets: every carve is refused. */
	SubBudgets NONE = new SubBudgets() {

		@Override
		public Optional<String> refusal(TokenRecord subject, BigDecimal amount) {
			return Optional.of("budget cannot be carved: budgets are not enabled");
		}

		@Override
		public void carve(TokenRecord subject, Jti derived, BigDecimal amount) {
			throw new IllegalStateException("budgets are not enabled");
		}

	};

	/**
	 * Why a sub-budget cannot be carved from what a subject token may still spend.
	 * @param subject the subject token's row
	 * @param amount the amount asked for, positive
	 * @return the reason, for an {@code error_description}, or empty when it can
	 */
	Optional<String> refusal(TokenRecord subject, BigDecimal amount);

	/**
	 * Carves a sub-budget for a derived token, in the transaction that stores it; checked
	 * again there.
	 * @param subject the subject token's row
	 * @param derived the derived token, already stored in this transaction
	 * @param amount the amount, positive
	 * @throws SubBudgetRefusedException when it no longer fits
	 */
	void carve(TokenRecord subject, Jti derived, BigDecimal amount);

}
