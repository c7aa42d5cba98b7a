package dev.agentidp.policy;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.cel.common.values.NullValue;

import org.springframework.util.Assert;

/**
 * Rule 5 ({@code condition_false}): the capability that covers the action, and for a data
 * resource its {@code dataAccess} entry, may each carry a condition, a CEL expression
 * over {@code request} (time, cost, arguments), {@code resource} (type, id, properties),
 * {@code agent} (the acting agent's document), {@code token} (its claims) and
 * {@code budget} (unit, limit, spent, remaining: the task's, before this call), each of
 * which must be true. A condition that cannot be evaluated on this input (a missing
 * member, a wrong type, out of time) counts as false: deny by default. Conditions are
 * compiled once per document version ({@link Conditions#compiled}).
 */
final class ConditionRule implements AccessRule {

	private final Conditions conditions;

	private final BudgetSource budgets;

	private final BudgetLedger ledger;

	private final Clock clock;

	ConditionRule(Conditions conditions, BudgetSource budgets, BudgetLedger ledger, Clock clock) {
		Assert.notNull(conditions, "conditions cannot be null");
		Assert.notNull(budgets, "budgets cannot be null");
		Assert.notNull(ledger, "ledger cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.conditions = conditions;
		this.budgets = budgets;
		this.ledger = ledger;
		this.clock = clock;
	}

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		List<String> expressions = expressions(attempt);
		if (expressions.isEmpty()) {
			return Optional.empty();
		}
		ConditionInput input = input(attempt);
		for (String expression : expressions) {
			String failure;
			try {
				Condition condition = this.conditions.compiled(attempt.agentId(), attempt.declared().version(),
						expression);
				if (this.conditions.evaluate(condition, input)) {
					continue;
				}
				failure = "is false";
			}
			catch (ConditionEvaluationException | InvalidConditionException ex) {
				failure = "could not be evaluated (" + ex.getMessage() + ")";
			}
			return Optional.of(new Denial(DecisionCode.CONDITION_FALSE,
					"the condition " + quote(expression) + " of " + attempt.request().scope() + " " + failure,
					"A condition of this capability does not hold now"));
		}
		return Optional.empty();
	}

	/** The capability's condition, then the data access entry's, when present. */
	private static List<String> expressions(AccessAttempt attempt) {
		AccessRequest request = attempt.request();
		List<String> expressions = new ArrayList<>(2);
		attempt.declared()
			.capability(request.scope())
			.map(Capability::condition)
			.filter((condition) -> !condition.isBlank())
			.ifPresent(expressions::add);
		if (request.resourceType() == ResourceType.DATA) {
			attempt.declared()
				.dataAccess(request.resourceId(), request.action())
				.map(DataAccess::condition)
				.filter((condition) -> condition != null && !condition.isBlank())
				.ifPresent(expressions::add);
		}
		return expressions;
	}

	private ConditionInput input(AccessAttempt attempt) {
		AccessRequest request = attempt.request();
		Map<String, Object> requestVariable = new LinkedHashMap<>();
		requestVariable.put("cost", request.cost().doubleValue());
		requestVariable.put("arguments", celValue(request.arguments()));
		Map<String, Object> resource = new LinkedHashMap<>();
		resource.put("type", request.resourceType().value());
		resource.put("id", request.resourceId());
		resource.put("properties", celValue(request.resourceProperties()));
		Map<String, Object> budget = this.budgets.budget(attempt).map((policy) -> {
			// the tightest of the task's budget and the token's sub-budgets
			BudgetState state = this.ledger.state(attempt.token().record(), policy).tightest();
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("unit", state.unit());
			view.put("limit", state.limit().doubleValue());
			view.put("spent", state.spent().doubleValue());
			view.put("remaining", state.remaining().doubleValue());
			return view;
		}).orElse(Map.of());
		@SuppressWarnings("unchecked")
		Map<String, Object> claims = (Map<String, Object>) celValue(attempt.token().claims());
		return new ConditionInput(this.clock.instant(), requestVariable, resource, attempt.declared().document(),
				claims, budget);
	}

	/**
	 * JSON values as CEL takes them: exact decimals become doubles, integers longs (CEL
	 * has no decimal type), maps and lists recursively, a JSON {@code null} inside them
	 * CEL's {@code null}; an absent value (arguments, properties) is an empty map.
	 */
	static Object celValue(Object value) {
		return (value != null) ? celMember(value) : Map.of();
	}

	private static Object celMember(Object value) {
		if (value == null) {
			return NullValue.NULL_VALUE;
		}
		if (value instanceof BigDecimal decimal) {
			return (decimal.scale() <= 0 && decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0)
					? (Object) decimal.longValueExact() : (Object) decimal.doubleValue();
		}
		if (value instanceof Integer number) {
			return number.longValue();
		}
		if (value instanceof Float number) {
			return number.doubleValue();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((key, member) -> copy.put(String.valueOf(key), celMember(member)));
			return copy;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(ConditionRule::celMember).toList();
		}
		return value;
	}

	private static String quote(String expression) {
		String shown = (expression.length() > 200) ? expression.substring(0, 200) + "…" : expression;
		return "'" + shown + "'";
	}

}
