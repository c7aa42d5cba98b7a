package dev.agentidp.policy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.agentidp.registry.AgentId;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;

import org.springframework.util.Assert;

/**
 * Compiles and evaluates conditions: CEL expressions (cel.dev, the Common Expression
 * Language) over five variables, {@code request} ({@code time}, {@code cost},
 * {@code arguments}), {@code resource} ({@code type}, {@code id}, {@code properties}),
 * {@code agent} (the identity document), {@code token} (its claims) and {@code budget};
 * each a map whose members are typed at run time ({@code dyn}).
 * <p>
 * Limits, so that no condition an administrator writes can stall a decision:
 * <ul>
 * <li>at most {@value #MAX_LENGTH} characters, parse depth {@value #MAX_DEPTH} and
 * {@value #MAX_NODES} expression nodes (CEL's parser limits);</li>
 * <li>each comprehension ({@code all}, {@code exists}, {@code map}, {@code filter}) at
 * most {@value #MAX_ITERATIONS} iterations at run time (CEL's runtime limit), and a
 * worst-case cost (nodes visited, each comprehension counted at that many iterations,
 * nested ones multiplied) of at most {@value #MAX_COST}, checked at compile time: nested
 * loops over request data are refused before they can run;</li>
 * <li>an evaluation time budget ({@link #DEFAULT_TIME_BUDGET}, 250 ms, unless
 * configured): an evaluation still running then is abandoned, and the condition counts as
 * failed. The limits above already bound every evaluation (a warm one takes
 * microseconds); the budget is the last guard, wide enough for a loaded machine, and the
 * provider warms the evaluator up at start ({@link #warmUp}) so that the first decision
 * does not pay for loading CEL's runtime and a time zone's rules.</li>
 * </ul>
 * Compiled conditions are cached per (agent id, document version, expression), so a
 * condition is compiled once per version of the document that declares it.
 * <p>
 * About 310 lines, deliberately one class: compile, the static cost bound and evaluate
 * share CEL's environment and its limits, which read best together.
 */
final class Conditions {

	/** The variables every condition is compiled against. */
	public static final Set<String> VARIABLES = Set.of("request", "resource", "agent", "token", "budget");

	/** The longest expression, in code points. */
	public static final int MAX_LENGTH = 2048;

	/** The deepest expression the parser accepts. */
	public static final int MAX_DEPTH = 24;

	/** The most expression nodes the parser accepts. */
	public static final int MAX_NODES = 500;

	/** The most iterations of one comprehension at run time. */
	public static final int MAX_ITERATIONS = 100;

	/** The highest worst-case cost of one evaluation. */
	public static final long MAX_COST = 100_000;

	/** How long one evaluation may run unless configured. */
	public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMillis(250);

	/**
	 * How many compiled conditions are kept (Caffeine evicts the least valuable beyond
	 * it).
	 */
	static final int MAX_CACHED = 10_000;

	private final Cel cel;

	private final long timeBudgetNanos;

	private final Cache<CacheKey, Condition> cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).build();

	/**
	 * Conditions with the default time budget.
	 */
	public Conditions() {
		this(DEFAULT_TIME_BUDGET);
	}

	/**
	 * @param timeBudget how long one evaluation may run
	 */
	public Conditions(Duration timeBudget) {
		Assert.notNull(timeBudget, "timeBudget cannot be null");
		Assert.isTrue(!timeBudget.isNegative() && !timeBudget.isZero(), "timeBudget must be positive");
		this.timeBudgetNanos = timeBudget.toNanos();
		CelOptions options = CelOptions.current()
			.maxExpressionCodePointSize(MAX_LENGTH)
			.maxParseRecursionDepth(MAX_DEPTH)
			.maxParseExpressionNodeCount(MAX_NODES)
			.comprehensionMaxIterations(MAX_ITERATIONS)
			.enableHeterogeneousNumericComparisons(true)
			.build();
		MapType dynamicMap = MapType.create(SimpleType.STRING, SimpleType.DYN);
		var builder = CelFactory.standardCelBuilder()
			.setOptions(options)
			.setStandardMacros(CelStandardMacro.STANDARD_MACROS)
			.setResultType(SimpleType.BOOL);
		VARIABLES.forEach((name) -> builder.addVar(name, dynamicMap));
		this.cel = builder.build();
	}

	/**
	 * Compiles and evaluates one condition that touches what conditions use (a timestamp
	 * in a time zone, maps, numbers), so that CEL's runtime is loaded before the first
	 * decision. A warm-up that runs out of the time budget (the first evaluation loads
	 * the runtime, which on a loaded machine can take longer) has loaded it all the same:
	 * it never fails the start.
	 */
	public void warmUp() {
		Condition condition = compile(
				"request.time.getHours('Europe/Berlin') >= 0 && resource.id == '' && request.cost < 1.0");
		try {
			evaluate(condition, new ConditionInput(java.time.Instant.now(), Map.of("cost", 0.0), Map.of("id", ""),
					Map.of(), Map.of(), Map.of()));
		}
		catch (ConditionEvaluationException ex) {
			// the runtime is loaded; only the warm-up's own answer was lost
		}
	}

	/**
	 * Compiles a condition.
	 * @param expression the CEL expression
	 * @return the condition
	 * @throws InvalidConditionException when it does not compile (with the compiler's
	 * message), is not a boolean, or exceeds a limit
	 */
	public Condition compile(String expression) {
		if (expression == null || expression.isBlank()) {
			throw new InvalidConditionException("the condition is empty");
		}
		if (expression.codePointCount(0, expression.length()) > MAX_LENGTH) {
			throw new InvalidConditionException("the condition is longer than " + MAX_LENGTH + " characters");
		}
		CelAbstractSyntaxTree ast;
		try {
			CelValidationResult result = this.cel.compile(expression);
			ast = result.getAst();
		}
		catch (CelValidationException ex) {
			throw new InvalidConditionException(ex.getMessage());
		}
		catch (RuntimeException ex) {
			// the parser refuses an expression beyond its limits with an exception of its
			// own
			throw new InvalidConditionException("the condition cannot be compiled: " + String.valueOf(ex.getMessage()));
		}
		long cost = cost(ast.getExpr(), 0);
		if (cost > MAX_COST) {
			throw new InvalidConditionException("the condition is too costly: its worst case visits " + cost
					+ " expression nodes (at most " + MAX_COST + "; each comprehension counts " + MAX_ITERATIONS
					+ " iterations, nested ones multiply)");
		}
		try {
			return new Condition(expression, this.cel.createProgram(ast), cost);
		}
		catch (CelEvaluationException ex) {
			throw new InvalidConditionException(ex.getMessage());
		}
	}

	/**
	 * The compiled condition of a document version, compiled once.
	 * @param agentId the agent whose document declares it
	 * @param version the document's version
	 * @param expression the CEL expression
	 * @return the condition
	 * @throws InvalidConditionException when it does not compile
	 */
	public Condition compiled(AgentId agentId, long version, String expression) {
		Assert.notNull(agentId, "agentId cannot be null");
		CacheKey key = new CacheKey(agentId, version, expression);
		Condition cached = this.cache.getIfPresent(key);
		if (cached != null) {
			return cached;
		}
		Condition condition = compile(expression);
		this.cache.put(key, condition);
		return condition;
	}

	/**
	 * Evaluates a condition within the time budget.
	 * @param condition the condition
	 * @param input the variables
	 * @return whether it holds
	 * @throws ConditionEvaluationException when it cannot be evaluated on this input, or
	 * the time budget ran out
	 */
	public boolean evaluate(Condition condition, ConditionInput input) {
		Assert.notNull(condition, "condition cannot be null");
		Assert.notNull(input, "input cannot be null");
		long deadline = System.nanoTime() + this.timeBudgetNanos;
		CelEvaluationListener clock = (expr, value) -> {
			if (System.nanoTime() - deadline > 0) {
				throw new OutOfTime();
			}
		};
		Object result;
		try {
			result = condition.program().trace(input.variables(), clock);
		}
		catch (CelEvaluationException ex) {
			if (outOfTime(ex)) {
				throw timeBudgetExceeded();
			}
			throw new ConditionEvaluationException("the condition failed: " + ex.getMessage(), ex);
		}
		catch (OutOfTime ex) {
			throw timeBudgetExceeded();
		}
		catch (RuntimeException ex) {
			if (outOfTime(ex)) {
				throw timeBudgetExceeded();
			}
			throw new ConditionEvaluationException("the condition failed: " + ex.getMessage(), ex);
		}
		if (result instanceof Boolean value) {
			return value;
		}
		throw new ConditionEvaluationException("the condition is not a boolean on this input", null);
	}

	private ConditionEvaluationException timeBudgetExceeded() {
		return new ConditionEvaluationException(
				"the condition ran out of its time budget (" + (this.timeBudgetNanos / 1000) + " µs)", null);
	}

	private static boolean outOfTime(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof OutOfTime) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The worst-case number of nodes one evaluation visits: one per node, the loop of a
	 * comprehension (condition and step) counted {@link #MAX_ITERATIONS} times.
	 */
	static long cost(CelExpr expr, int depth) {
		return switch (expr.getKind()) {
			case COMPREHENSION -> {
				CelExpr.CelComprehension loop = expr.comprehension();
				long body = cost(loop.loopCondition(), depth + 1) + cost(loop.loopStep(), depth + 1);
				yield saturated(1 + cost(loop.iterRange(), depth + 1) + cost(loop.accuInit(), depth + 1)
						+ cost(loop.result(), depth + 1), saturatedProduct(MAX_ITERATIONS, body));
			}
			case CALL -> {
				long total = 1;
				if (expr.call().target().isPresent()) {
					total = saturated(total, cost(expr.call().target().get(), depth + 1));
				}
				for (CelExpr argument : expr.call().args()) {
					total = saturated(total, cost(argument, depth + 1));
				}
				yield total;
			}
			case SELECT -> saturated(1, cost(expr.select().operand(), depth + 1));
			case LIST -> {
				long total = 1;
				for (CelExpr element : expr.list().elements()) {
					total = saturated(total, cost(element, depth + 1));
				}
				yield total;
			}
			case MAP -> {
				long total = 1;
				for (CelExpr.CelMap.Entry entry : expr.map().entries()) {
					total = saturated(total, saturated(cost(entry.key(), depth + 1), cost(entry.value(), depth + 1)));
				}
				yield total;
			}
			case STRUCT -> {
				long total = 1;
				for (CelExpr.CelStruct.Entry entry : expr.struct().entries()) {
					total = saturated(total, cost(entry.value(), depth + 1));
				}
				yield total;
			}
			default -> 1;
		};
	}

	private static long saturated(long a, long b) {
		long sum = a + b;
		return (sum < 0) ? Long.MAX_VALUE : sum;
	}

	private static long saturatedProduct(long a, long b) {
		return (b != 0 && a > Long.MAX_VALUE / b) ? Long.MAX_VALUE : a * b;
	}

	private record CacheKey(AgentId agentId, long version, String expression) {
	}

	/** Thrown from the evaluation listener when the time budget has run out. */
	private static final class OutOfTime extends RuntimeException {

		OutOfTime() {
			super("time budget exceeded", null, false, false);
		}

	}

}
