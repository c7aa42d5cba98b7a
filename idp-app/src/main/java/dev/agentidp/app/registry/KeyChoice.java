package dev.agentidp.app.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import dev.agentidp.registry.NewKey;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A body that gives an agent a key (docs/api.md "Contract"): {@code "jwk": {public JWK}}
 * or {@code "generateKey": true}, exactly one ({@link OneKey}). What the JWK holds is the
 * registry's to check when the key is added.
 */
interface KeyChoice {

	/**
	 * The public JWK.
	 * @return its members, or {@code null}
	 */
	Map<String, Object> jwk();

	/**
	 * Whether to generate a key pair.
	 * @return {@code true} to generate, or {@code null}
	 */
	Boolean generateKey();

	/**
	 * The key; call it on a checked body.
	 * @return the key choice
	 */
	default NewKey newKey() {
		if (jwk() == null && !Boolean.TRUE.equals(generateKey()) && keyOptional()) {
			return null;
		}
		return (jwk() != null) ? NewKey.of(jwk()) : NewKey.generate();
	}

	/**
	 * Whether the body may give no key: an agent that declares workload identities
	 * authenticates with them (docs/workload-identity.md).
	 * @return {@code true} when no key is needed
	 */
	default boolean keyOptional() {
		return false;
	}

	/** Exactly one of {@code jwk} and {@code generateKey: true}. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.TYPE)
	@Constraint(validatedBy = OneKey.Check.class)
	@interface OneKey {

		String message() default "give either jwk or generateKey: true";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link OneKey}. */
		class Check implements ConstraintValidator<OneKey, KeyChoice> {

			@Override
			public boolean isValid(KeyChoice body, ConstraintValidatorContext context) {
				boolean generate = Boolean.TRUE.equals(body.generateKey());
				if (body.jwk() != null && generate) {
					return refuse(context, "give either jwk or generateKey: true, not both");
				}
				if (body.jwk() == null && !generate && !body.keyOptional()) {
					return refuse(context, "is required: give a public JWK, or generateKey: true");
				}
				return true;
			}

			private static boolean refuse(ConstraintValidatorContext context, String rule) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(AgentDocumentRules.literal(rule))
					.addPropertyNode("jwk")
					.addConstraintViolation();
				return false;
			}

		}

	}

}
