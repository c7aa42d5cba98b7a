package dev.agentidp.app.tokens;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import dev.agentidp.tokens.Jti;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * The body of {@code POST /admin/v1/tokens/revoke} (docs/api.md "Contract"): exactly one
 * of {@code jti}, {@code agentId} and {@code task}, and an optional {@code reason}
 * ({@link OneTarget}).
 *
 * @param jti the token to revoke
 * @param agentId the agent whose tokens to revoke, a UUID
 * @param task the task whose tokens to revoke
 * @param reason why, at most {@value TokenAdminController#MAX_REASON} characters (the
 * audit trail keeps at most 1,024)
 */
@AdminBody(notAnObject = "The body must be a JSON object with exactly one of jti, agentId, task",
		unknownField = "Unknown field '{field}': give exactly one of jti, agentId, task")
@TokenRevocationRequest.OneTarget
record TokenRevocationRequest(@WrongType("jti must be a non-empty string of at most 128 characters") String jti,
		@WrongType("agentId must be a non-empty string of at most 128 characters") String agentId,
		@WrongType("task must be a non-empty string of at most 128 characters") String task,
		@WrongType(REASON_RULE) String reason) {

	static final String REASON_RULE = "reason must be a string of at most " + TokenAdminController.MAX_REASON
			+ " characters without control characters";

	/** The one target given, by its member name; call it on a checked body. */
	String target() {
		return targets().get(0);
	}

	/** The value of the one target given; call it on a checked body. */
	String value() {
		return switch (target()) {
			case "jti" -> this.jti;
			case "agentId" -> this.agentId;
			default -> this.task;
		};
	}

	/**
	 * The token named by the {@code jti} given: empty when another target is given, or
	 * when the jti is longer than any of this provider's ({@value Jti#MAX_LENGTH}
	 * characters; this body takes up to 128) and so names no token. Call it on a checked
	 * body.
	 */
	Optional<Jti> tokenId() {
		return (this.jti != null) ? Jti.parse(this.jti) : Optional.empty();
	}

	private List<String> targets() {
		List<String> named = new ArrayList<>();
		if (this.jti != null) {
			named.add("jti");
		}
		if (this.agentId != null) {
			named.add("agentId");
		}
		if (this.task != null) {
			named.add("task");
		}
		return named;
	}

	/**
	 * Exactly one target, a non-empty string of at most 128 characters ({@code agentId} a
	 * UUID); a reason within the audit trail's limit. Answered with the whole detail.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.TYPE)
	@Constraint(validatedBy = OneTarget.Check.class)
	@interface OneTarget {

		String message() default "Give exactly one of jti, agentId, task";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link OneTarget}. */
		class Check implements ConstraintValidator<OneTarget, TokenRevocationRequest> {

			@Override
			public boolean isValid(TokenRevocationRequest body, ConstraintValidatorContext context) {
				if (body.targets().size() != 1) {
					return refuse(context, "Give exactly one of jti, agentId, task");
				}
				String value = body.value();
				if (value.isBlank() || value.length() > 128) {
					return refuse(context, body.target() + " must be a non-empty string of at most 128 characters");
				}
				String reason = body.reason();
				if (reason != null && (reason.length() > TokenAdminController.MAX_REASON
						|| reason.chars().anyMatch(Character::isISOControl))) {
					return refuse(context, REASON_RULE);
				}
				if (body.target().equals("agentId") && !isUuid(value)) {
					return refuse(context, "agentId must be a UUID");
				}
				return true;
			}

			private static boolean isUuid(String value) {
				try {
					UUID.fromString(value);
					return true;
				}
				catch (IllegalArgumentException ex) {
					return false;
				}
			}

			private static boolean refuse(ConstraintValidatorContext context, String detail) {
				context.disableDefaultConstraintViolation();
				// the detail names its members (target() is one of three fixed names)
				context.buildConstraintViolationWithTemplate(detail).addConstraintViolation();
				return false;
			}

		}

	}

}
