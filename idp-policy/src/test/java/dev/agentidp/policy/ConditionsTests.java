package dev.agentidp.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The conditions of the examples, and the ones that must be refused: at compile
 * time (does not compile, not a boolean, too long, too deep, too costly) or at run time
 * (too many iterations, out of time). No Spring context.
 */
class ConditionsTests {

	private static final String BUSINESS_HOURS = "request.time.getDayOfWeek('Europe/Berlin') >= 1"
			+ " && request.time.getDayOfWeek('Europe/Berlin') <= 5"
			+ " && request.time.getHours('Europe/Berlin') >= 9 && request.time.getHours('Europe/Berlin') < 17";

	private static final String READ_ONLY_OUTSIDE_MAINTENANCE = "request.action == 'read'"
			+ " || (request.time.getHours('UTC') >= 2 && request.time.getHours('UTC') < 4)";

	private final Conditions conditions = new Conditions();

	@Test
	void evaluateWhenAnArgumentIsJsonNullThenItIsCelNullNotAnEmptyMap() {
		Map<String, Object> arguments = new java.util.LinkedHashMap<>();
		arguments.put("note", null);
		arguments.put("items", java.util.Arrays.asList("a", null));
		arguments.put("nested", java.util.Collections.singletonMap("inner", null));
		Map<String, Object> request = Map.of("arguments", ConditionRule.celValue(arguments));
		assertThat(this.conditions.evaluate(
				this.conditions.compile("request.arguments.note == null && request.arguments.items[1] == null"
						+ " && request.arguments.nested.inner == null"),
				new ConditionInput(Instant.now(), request, null, null, null, null)))
			.isTrue();
		assertThat(this.conditions.evaluate(this.conditions.compile("request.arguments.note == {}"),
				new ConditionInput(Instant.now(), request, null, null, null, null)))
			.isFalse();
		// absent arguments stay an empty map
		assertThat(ConditionRule.celValue(null)).isEqualTo(Map.of());
	}

	@Test
	void evaluateWhenInsideBusinessHoursInTheTimeZoneThenTrue() {
		Condition condition = this.conditions.compile(BUSINESS_HOURS);
		// Tuesday 2026-12-01, 10:30 in Berlin (09:30 UTC)
		assertThat(evaluate(condition, at("2026-12-01T09:30:00Z"), Map.of())).isTrue();
		// 08:30 in Berlin is 07:30 UTC: before hours there, although 08:30 would not be
		// in
		// UTC+2
		assertThat(evaluate(condition, at("2026-12-01T07:30:00Z"), Map.of())).isFalse();
		// 17:00 in Berlin
		assertThat(evaluate(condition, at("2026-12-01T16:00:00Z"), Map.of())).isFalse();
		// Saturday
		assertThat(evaluate(condition, at("2026-12-05T10:00:00Z"), Map.of())).isFalse();
	}

	@Test
	void evaluateWhenWritingOutsideTheMaintenanceWindowThenFalse() {
		Condition condition = this.conditions.compile(READ_ONLY_OUTSIDE_MAINTENANCE);
		assertThat(evaluate(condition, at("2026-12-01T12:00:00Z"), Map.of("action", "read"))).isTrue();
		assertThat(evaluate(condition, at("2026-12-01T12:00:00Z"), Map.of("action", "write"))).isFalse();
		assertThat(evaluate(condition, at("2026-12-01T02:30:00Z"), Map.of("action", "write"))).isTrue();
		assertThat(evaluate(condition, at("2026-12-01T04:00:00Z"), Map.of("action", "delete"))).isFalse();
	}

	@Test
	void evaluateWhenTheResourcesCustomerIsAmongTheTokensTaskCustomersThenTrue() {
		Condition condition = this.conditions.compile("resource.properties.customer in token.task_customers");
		Map<String, Object> token = Map.of("task_customers", List.of("acme", "globex"));
		assertThat(this.conditions.evaluate(condition, new ConditionInput(Instant.now(), Map.of(),
				Map.of("properties", Map.of("customer", "acme")), Map.of(), token, Map.of())))
			.isTrue();
		assertThat(this.conditions.evaluate(condition, new ConditionInput(Instant.now(), Map.of(),
				Map.of("properties", Map.of("customer", "initech")), Map.of(), token, Map.of())))
			.isFalse();
	}

	@Test
	void evaluateWhenTheCostIsBelowTheBoundThenTrue() {
		Condition condition = this.conditions.compile("request.cost < 5.0");
		assertThat(evaluate(condition, Instant.now(), Map.of("cost", 4.99))).isTrue();
		assertThat(evaluate(condition, Instant.now(), Map.of("cost", 5.0))).isFalse();
		// a whole number compares with the double as well
		assertThat(evaluate(condition, Instant.now(), Map.of("cost", 3L))).isTrue();
	}

	@Test
	void evaluateWhenAMemberIsMissingThenItFailsAndIsNeverTrue() {
		Condition condition = this.conditions.compile("request.cost < 5.0");
		assertThatExceptionOfType(ConditionEvaluationException.class)
			.isThrownBy(() -> evaluate(condition, Instant.now(), Map.of()));
	}

	@Test
	void compileWhenTheExpressionDoesNotCompileThenTheCompilersMessage() {
		assertThatExceptionOfType(InvalidConditionException.class)
			.isThrownBy(() -> this.conditions.compile("request.cost <"))
			.withMessageContaining("mismatched input");
		assertThatExceptionOfType(InvalidConditionException.class)
			.isThrownBy(() -> this.conditions.compile("requests.cost < 5.0"))
			.withMessageContaining("undeclared reference to 'requests'");
	}

	@Test
	void compileWhenTheExpressionIsNotABooleanThenRefused() {
		assertThatExceptionOfType(InvalidConditionException.class)
			.isThrownBy(() -> this.conditions.compile("'business hours'"));
		assertThatExceptionOfType(InvalidConditionException.class).isThrownBy(() -> this.conditions.compile(" "));
	}

	@Test
	void compileWhenTheExpressionIsTooLongOrTooDeepThenRefused() {
		assertThatExceptionOfType(InvalidConditionException.class)
			.isThrownBy(() -> this.conditions.compile("request.cost < 1.0 || " + "true || ".repeat(400) + "true"));
		String deep = "(".repeat(40) + "true" + ")".repeat(40);
		assertThatExceptionOfType(InvalidConditionException.class).isThrownBy(() -> this.conditions.compile(deep));
		String wide = String.join(" || ",
				IntStream.range(0, 300).mapToObj((i) -> "request.cost == " + i + ".0").toList());
		assertThatExceptionOfType(InvalidConditionException.class).isThrownBy(() -> this.conditions.compile(wide));
	}

	@Test
	void compileWhenNestedLoopsMakeTheExpressionTooCostlyThenRefused() {
		// two nested loops are within the cost limit, three are not
		Condition two = this.conditions
			.compile("request.arguments.items.all(a, request.arguments.items.exists(b, a == b))");
		assertThat(two.cost()).isLessThanOrEqualTo(Conditions.MAX_COST);
		assertThatExceptionOfType(InvalidConditionException.class)
			.isThrownBy(() -> this.conditions.compile("request.arguments.items.all(a, request.arguments.items"
					+ ".all(b, request.arguments.items.exists(c, a == b && b == c)))"))
			.withMessageContaining("too costly");
	}

	@Test
	void evaluateWhenALoopRunsOverItsIterationLimitThenItFails() {
		Conditions patient = new Conditions(Duration.ofSeconds(5));
		Condition condition = patient.compile("request.arguments.items.all(i, i >= 0)");
		List<Object> items = new ArrayList<>();
		IntStream.range(0, Conditions.MAX_ITERATIONS + 1).forEach((i) -> items.add((long) i));
		assertThat(patient.evaluate(condition, new ConditionInput(Instant.now(),
				Map.of("arguments", Map.of("items", items.subList(0, 10))), null, null, null, null)))
			.isTrue();
		assertThatExceptionOfType(ConditionEvaluationException.class)
			.isThrownBy(
					() -> patient
						.evaluate(condition,
								new ConditionInput(Instant.now(), Map.of("arguments", Map.of("items", items)), null,
										null, null, null)))
			.withMessageNotContaining("time budget");
	}

	@Test
	void aWarmUpThatRunsOutOfTheTimeBudgetDoesNotFailTheStart() {
		// a start on a loaded machine: the first evaluation is slower than any budget
		Conditions hurried = new Conditions(Duration.ofNanos(1));
		assertThatNoException().isThrownBy(hurried::warmUp);
	}

	@Test
	void evaluateWhenTheTimeBudgetRunsOutThenItFails() {
		Conditions hurried = new Conditions(Duration.ofNanos(1));
		Condition condition = hurried
			.compile("request.arguments.items.all(a, request.arguments.items.exists(b, a == b))");
		List<Object> items = new ArrayList<>();
		IntStream.range(0, Conditions.MAX_ITERATIONS).forEach((i) -> items.add((long) i));
		assertThatExceptionOfType(ConditionEvaluationException.class)
			.isThrownBy(
					() -> hurried
						.evaluate(condition,
								new ConditionInput(Instant.now(), Map.of("arguments", Map.of("items", items)), null,
										null, null, null)))
			.withMessageContaining("time budget");
	}

	@Test
	void compiledWhenTheSameDocumentVersionAsksAgainThenTheSameCondition() {
		AgentId agent = AgentId.random();
		Condition first = this.conditions.compiled(agent, 1, "request.cost < 5.0");
		assertThat(this.conditions.compiled(agent, 1, "request.cost < 5.0")).isSameAs(first);
		assertThat(this.conditions.compiled(agent, 2, "request.cost < 5.0")).isNotSameAs(first);
	}

	private boolean evaluate(Condition condition, Instant time, Map<String, Object> request) {
		return this.conditions.evaluate(condition, new ConditionInput(time, request, null, null, null, null));
	}

	private static Instant at(String instant) {
		return Instant.parse(instant);
	}

}
