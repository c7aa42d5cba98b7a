package dev.agentidp.policy;

import dev.cel.runtime.CelRuntime;

import org.springframework.util.Assert;

/**
 * A compiled condition: a CEL expression checked against the declared variables, with its
 * program ready to evaluate and its worst-case cost.
 */
final class Condition {

	private final String expression;

	private final CelRuntime.Program program;

	private final long cost;

	Condition(String expression, CelRuntime.Program program, long cost) {
		Assert.hasText(expression, "expression cannot be empty");
		Assert.notNull(program, "program cannot be null");
		this.expression = expression;
		this.program = program;
		this.cost = cost;
	}

	/**
	 * The expression as written.
	 * @return the expression
	 */
	public String expression() {
		return this.expression;
	}

	/**
	 * The estimated worst-case cost of one evaluation (expression nodes visited, each
	 * comprehension counted at its maximum number of iterations).
	 * @return the cost
	 */
	public long cost() {
		return this.cost;
	}

	CelRuntime.Program program() {
		return this.program;
	}

	@Override
	public String toString() {
		return "Condition[" + this.expression + "]";
	}

}
