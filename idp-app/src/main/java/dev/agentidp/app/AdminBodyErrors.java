package dev.agentidp.app;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The {@code detail} of a 400 for an admin API body that does not bind to its request
 * record or breaks one of its rules (issue 15, item 1): the member's path as the body
 * spells it ({@code capabilities[0].scope}), then the rule. A body that breaks several
 * rules is answered with the first member in the record's order (elements in order, a
 * list before its elements), the order the rules were once checked in one by one. Used by
 * {@link ApiExceptionHandler} for bodies Spring MVC binds and by {@link AdminBodies} for
 * the ones it binds itself.
 */
public final class AdminBodyErrors {

	private static final Comparator<List<Integer>> POSITION = (left, right) -> {
		for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
			int order = Integer.compare(left.get(i), right.get(i));
			if (order != 0) {
				return order;
			}
		}
		return Integer.compare(left.size(), right.size());
	};

	private AdminBodyErrors() {
	}

	/**
	 * The detail for a body that did not bind.
	 * @param failure what Jackson threw
	 * @return the detail, or {@code null} when the body is no JSON at all (malformed text
	 * is answered as Spring MVC answers it)
	 */
	public static String detail(JacksonException failure) {
		String path = path(failure.getPath());
		if (failure instanceof UnrecognizedPropertyException unknown) {
			AdminBody rules = rules(unknown.getReferringClass());
			String name = unknown.getPropertyName();
			if (List.of(rules.serverSet()).contains(name)) {
				return rules.serverSetField().replace("{field}", path);
			}
			List<String> allowed = unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
			return rules.unknownField().replace("{field}", path).replace("{allowed}", String.join(", ", allowed));
		}
		Class<?> target;
		if (failure instanceof MismatchedInputException mismatch) {
			target = mismatch.getTargetType();
		}
		else if (failure instanceof InputCoercionException coercion) {
			// RFC 8259 §6 numbers beyond the member's range
			target = coercion.getTargetType();
		}
		else {
			return null;
		}
		if (path.isEmpty()) {
			return rules(target).notAnObject();
		}
		WrongType declared = declaredWrongType(failure.getPath());
		return (declared != null) ? declared.value() : path + ": " + typeRule(target);
	}

	/**
	 * The detail for a bound body that breaks rules.
	 * @param violations the rules it breaks, not empty
	 * @return the detail for the first
	 */
	public static String detail(Collection<? extends ConstraintViolation<?>> violations) {
		ConstraintViolation<?> first = violations.stream()
			.min(Comparator.comparing(
					(violation) -> position(violation.getRootBeanClass(), violation.getPropertyPath()), POSITION))
			.orElseThrow();
		String path = path(first.getPropertyPath());
		return path.isEmpty() ? first.getMessage() : path + ": " + first.getMessage();
	}

	/**
	 * The detail for a body that must be given and is not.
	 * @param type the request record
	 * @return the detail
	 */
	static String missing(Class<?> type) {
		return rules(type).notAnObject();
	}

	private static AdminBody rules(Class<?> type) {
		AdminBody rules = (type != null) ? type.getAnnotation(AdminBody.class) : null;
		return (rules != null) ? rules : Defaults.class.getAnnotation(AdminBody.class);
	}

	private static String typeRule(Class<?> target) {
		if (target == null) {
			return "has the wrong JSON type";
		}
		if (CharSequence.class.isAssignableFrom(target)) {
			return "must be a string";
		}
		if (List.of(Integer.class, int.class, Long.class, long.class, Short.class, short.class, BigInteger.class)
			.contains(target)) {
			return "must be an integer";
		}
		if (List.of(BigDecimal.class, Double.class, double.class, Float.class, float.class).contains(target)) {
			return "must be a number";
		}
		if (target == Boolean.class || target == boolean.class) {
			return "must be true or false";
		}
		if (Collection.class.isAssignableFrom(target) || target.isArray()) {
			return "must be an array";
		}
		return "must be a JSON object";
	}

	/** The rule declared on the record component that failed, if it is one. */
	private static WrongType declaredWrongType(List<JacksonException.Reference> references) {
		JacksonException.Reference last = references.get(references.size() - 1);
		if (last.getPropertyName() == null || last.from() == null) {
			return null;
		}
		Class<?> owner = (last.from() instanceof Class<?> type) ? type : last.from().getClass();
		RecordComponent component = component(owner, last.getPropertyName());
		return (component != null) ? component.getAnnotation(WrongType.class) : null;
	}

	private static String path(List<JacksonException.Reference> references) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String path(Path violationPath) {
		StringBuilder path = new StringBuilder();
		for (Path.Node node : violationPath) {
			if (node.isInIterable()) {
				path.append('[').append(Objects.requireNonNullElse(node.getIndex(), 0)).append(']');
			}
			if (node.getKind() == ElementKind.PROPERTY) {
				path.append(path.isEmpty() ? "" : ".").append(node.getName());
			}
		}
		return path.toString();
	}

	/**
	 * Where a violation's member is in the body: for each step down, the member's place
	 * in its record or the element's index.
	 */
	private static List<Integer> position(Class<?> root, Path violationPath) {
		List<Integer> position = new ArrayList<>();
		Type current = root;
		for (Path.Node node : violationPath) {
			if (node.isInIterable()) {
				position.add(Objects.requireNonNullElse(node.getIndex(), 0));
				current = (current instanceof ParameterizedType list) ? list.getActualTypeArguments()[0] : Object.class;
			}
			if (node.getKind() == ElementKind.PROPERTY) {
				Class<?> owner = (current instanceof ParameterizedType type) ? (Class<?>) type.getRawType()
						: (current instanceof Class<?> type) ? type : Object.class;
				RecordComponent[] components = owner.isRecord() ? owner.getRecordComponents() : new RecordComponent[0];
				int index = components.length;
				for (int i = 0; i < components.length; i++) {
					if (components[i].getName().equals(node.getName())) {
						index = i;
					}
				}
				position.add(index);
				current = (index < components.length) ? components[index].getGenericType() : Object.class;
			}
		}
		return position;
	}

	private static RecordComponent component(Class<?> owner, String name) {
		if (!owner.isRecord()) {
			return null;
		}
		for (RecordComponent component : owner.getRecordComponents()) {
			if (component.getName().equals(name)) {
				return component;
			}
		}
		return null;
	}

	/** Carries the default details. */
	@AdminBody
	private static final class Defaults {

	}

}
