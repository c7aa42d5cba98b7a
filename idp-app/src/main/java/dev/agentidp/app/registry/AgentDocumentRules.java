package dev.agentidp.app.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import dev.agentidp.registry.Emails;
import dev.agentidp.registry.Names;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * The admin API's rules for the text members of an identity document (docs/api.md, "The
 * identity document"), as Bean Validation constraints on {@link AgentDocumentRequest}
 * (what it points at, scopes and URIs, is {@link ReferenceRules}): one constraint per
 * kind of member, each checking its rules in the order they were always checked, so that
 * a member breaking several is answered with the same rule as before. A {@code null}
 * member passes them all ({@code @NotNull} says when one is required).
 */
final class AgentDocumentRules {

	private AgentDocumentRules() {
	}

	/** Text: 1 to {@link #max()} characters, not blank, no control characters. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Text.Check.class)
	@interface Text {

		int max();

		String message() default "must be text";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Text}. */
		class Check implements ConstraintValidator<Text, String> {

			private int max;

			@Override
			public void initialize(Text text) {
				this.max = text.max();
			}

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				return value == null || plainText(value, this.max, context);
			}

		}

	}

	/** A description: at most 2,048 characters, tab and newline its only control ones. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Description.Check.class)
	@interface Description {

		String message() default "must be a description";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Description}. */
		class Check implements ConstraintValidator<Description, String> {

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				if (value == null) {
					return true;
				}
				if (!withinLength(value, 2048, context)) {
					return false;
				}
				for (int i = 0; i < value.length(); i++) {
					char c = value.charAt(i);
					if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
						return refuse(context, "must not contain control characters other than tab and newline");
					}
				}
				return true;
			}

		}

	}

	/** An agent's name ({@link Names}). */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Name.Check.class)
	@interface Name {

		String message() default "must be a name";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Name}. */
		class Check implements ConstraintValidator<Name, String> {

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				return value == null
						|| (withinLength(value, 64, context) && (Names.isValid(value) || refuse(context, Names.RULE)));
			}

		}

	}

	/** An owner's email address ({@link Emails}). */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Owner.Check.class)
	@interface Owner {

		String message() default "must be an email address";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Owner}. */
		class Check implements ConstraintValidator<Owner, String> {

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				return value == null || (withinLength(value, 254, context)
						&& (Emails.isValid(value) || refuse(context, Emails.RULE)));
			}

		}

	}

	/**
	 * One of an enumeration's wire values (the registry's {@code Environment},
	 * {@code RiskLevel}, {@code Access}, {@code Sensitivity}), at most 16 characters;
	 * {@link #text()} also refuses blank text and control characters first.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = OneOf.Check.class)
	@interface OneOf {

		Class<? extends Enum<?>> value();

		boolean text() default false;

		String message() default "must be one of the values";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link OneOf}. */
		class Check implements ConstraintValidator<OneOf, String> {

			private List<String> values;

			private boolean text;

			private int longest;

			@Override
			public void initialize(OneOf oneOf) {
				try {
					Method value = oneOf.value().getMethod("value");
					this.values = Arrays.stream(oneOf.value().getEnumConstants()).map((constant) -> {
						try {
							return (String) value.invoke(constant);
						}
						catch (ReflectiveOperationException ex) {
							throw new IllegalStateException(ex);
						}
					}).toList();
				}
				catch (NoSuchMethodException ex) {
					throw new IllegalStateException(oneOf.value() + " has no wire value()", ex);
				}
				this.text = oneOf.text();
				// at most 16 characters, or the longest value when one is longer
				this.longest = Math.max(16, this.values.stream().mapToInt(String::length).max().orElse(0));
			}

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				if (value == null) {
					return true;
				}
				if (!(this.text ? plainText(value, this.longest, context)
						: withinLength(value, this.longest, context))) {
					return false;
				}
				return this.values.contains(value)
						|| refuse(context, "must be one of " + String.join("|", this.values));
			}

		}

	}

	/** Text: at most {@code max} characters, not blank, no control characters. */
	static boolean plainText(String value, int max, ConstraintValidatorContext context) {
		if (!withinLength(value, max, context)) {
			return false;
		}
		if (value.isBlank()) {
			return refuse(context, "must not be blank");
		}
		if (value.chars().anyMatch(Character::isISOControl)) {
			return refuse(context, "must not contain control characters");
		}
		return true;
	}

	/** Whether the value is at most {@code max} characters; refuses it otherwise. */
	static boolean withinLength(String value, int max, ConstraintValidatorContext context) {
		return value.length() <= max || refuse(context, "must be at most " + max + " characters");
	}

	/** Refuses with a rule, taken literally (a value in it is never interpolated). */
	static boolean refuse(ConstraintValidatorContext context, String rule) {
		context.disableDefaultConstraintViolation();
		context.buildConstraintViolationWithTemplate(literal(rule)).addConstraintViolation();
		return false;
	}

	/**
	 * A message template that reads as the text: Bean Validation would otherwise
	 * interpolate {@code {...}} and {@code ${...}} in it (a scope such as
	 * {@code {message}} is the client's).
	 */
	static String literal(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			if (c == '\\' || c == '{' || c == '}' || c == '$') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
