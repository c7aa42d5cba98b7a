package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import dev.agentidp.tokens.Jti;

import org.springframework.util.Assert;

/**
 * Every budget a token spends from: its task's main ledger and the sub-budgets carved at
 * token exchange for it or for a token it was derived from ({@code budget_carve}, V13),
 * in {@code jti} order. A cost is debited from all of them or from none
 * ({@link BudgetLedger#debit(dev.agentidp.tokens.TokenRecord, BudgetPolicy, BigDecimal, boolean)}).
 *
 * @param main the task's ledger
 * @param carves the sub-budgets, empty for a token outside any carve
 */
record TokenBudget(BudgetState main, List<SubBudget> carves) {

	TokenBudget {
		Assert.notNull(main, "main cannot be null");
		carves = List.copyOf(carves);
	}

	/**
	 * The budget with the least left, as a decision's {@code context.budget} reports it:
	 * the main ledger unless a sub-budget has less left.
	 * @return its state
	 */
	BudgetState tightest() {
		BudgetState tightest = this.main;
		for (SubBudget carve : this.carves) {
			if (carve.state().remaining().compareTo(tightest.remaining()) < 0) {
				tightest = carve.state();
			}
		}
		return tightest;
	}

	/**
	 * The first sub-budget a cost does not fit in.
	 * @param cost the cost
	 * @return the sub-budget, or empty when it fits in every one
	 */
	Optional<SubBudget> exhaustedBy(BigDecimal cost) {
		return this.carves.stream().filter((carve) -> !carve.fits(cost)).findFirst();
	}

	/**
	 * A sub-budget carved at token exchange ({@code budget=}, docs/tokens.md).
	 *
	 * @param jti the derived token it was carved for
	 * @param state its limit and what it has spent
	 */
	record SubBudget(Jti jti, BudgetState state) {

		SubBudget {
			Assert.notNull(jti, "jti cannot be null");
			Assert.notNull(state, "state cannot be null");
		}

		/**
		 * Whether a cost fits in what is left.
		 * @param cost the cost
		 * @return {@code true} when {@code spent + cost <= limit}
		 */
		boolean fits(BigDecimal cost) {
			return this.state.spent().add(cost).compareTo(this.state.limit()) <= 0;
		}

	}

}
