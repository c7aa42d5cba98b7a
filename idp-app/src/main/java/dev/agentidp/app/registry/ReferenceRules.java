package dev.agentidp.app.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.agentidp.registry.Scopes;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import static dev.agentidp.app.registry.AgentDocumentRules.literal;
import static dev.agentidp.app.registry.AgentDocumentRules.refuse;
import static dev.agentidp.app.registry.AgentDocumentRules.withinLength;

/**
 * The admin API's rules for what an identity document points at
 * ({@link AgentDocumentRequest}): scopes (RFC 6749 §3.3), MCP servers, resources a token
 * may name (RFC 8707 §2), and that each is given once. Like {@link AgentDocumentRules},
 * one constraint per kind of member, its rules checked in their old order; a {@code null}
 * member passes.
 */
final class ReferenceRules {

	private ReferenceRules() {
	}

	/**
	 * A scope: RFC 6749 §3.3 {@code scope-token} ({@link Scopes}); a capability's is none
	 * of the provider's own {@code idp:} scopes.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Scope.Check.class)
	@interface Scope {

		boolean capability() default false;

		String message() default "must be a scope";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Scope}. */
		class Check implements ConstraintValidator<Scope, String> {

			private boolean capability;

			@Override
			public void initialize(Scope scope) {
				this.capability = scope.capability();
			}

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				if (value == null) {
					return true;
				}
				if (!withinLength(value, 1024, context)) {
					return false;
				}
				if (!Scopes.isValid(value)) {
					return refuse(context, Scopes.RULE);
				}
				return !this.capability || !Scopes.isReserved(value) || refuse(context, Scopes.RESERVED_RULE);
			}

		}

	}

	/** An MCP server: an absolute {@code http} or {@code https} URL with a host. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = HttpUrl.Check.class)
	@interface HttpUrl {

		String message() default "must be a URL";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link HttpUrl}. */
		class Check implements ConstraintValidator<HttpUrl, String> {

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				return value == null || (withinLength(value, 2048, context) && (isHttpUrl(value) || refuse(context,
						"must be an absolute http or https URL with a host (at most 2048 characters)")));
			}

			private static boolean isHttpUrl(String value) {
				try {
					URI uri = new URI(value);
					String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
					return uri.isAbsolute() && (scheme.equals("http") || scheme.equals("https"))
							&& uri.getHost() != null && !uri.getHost().isEmpty();
				}
				catch (URISyntaxException ex) {
					return false;
				}
			}

		}

	}

	/**
	 * A resource a token may name: an absolute URI without a fragment, as RFC 8707 §2
	 * requires of the {@code resource} parameter.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Resource.Check.class)
	@interface Resource {

		String message() default "must be a resource";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Resource}. */
		class Check implements ConstraintValidator<Resource, String> {

			@Override
			public boolean isValid(String value, ConstraintValidatorContext context) {
				return value == null
						|| (withinLength(value, 2048, context) && (isAbsoluteWithoutFragment(value) || refuse(context,
								"must be an absolute URI without a fragment (RFC 8707 §2), at most 2048 characters")));
			}

			private static boolean isAbsoluteWithoutFragment(String value) {
				try {
					URI uri = new URI(value);
					return uri.isAbsolute() && uri.getRawFragment() == null && !value.contains("#");
				}
				catch (URISyntaxException ex) {
					return false;
				}
			}

		}

	}

	/** Each element once: a duplicate is named by its index. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = Distinct.Check.class)
	@interface Distinct {

		String message() default "must not hold duplicates";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link Distinct}. */
		class Check implements ConstraintValidator<Distinct, List<String>> {

			@Override
			public boolean isValid(List<String> values, ConstraintValidatorContext context) {
				Set<String> seen = new HashSet<>();
				for (int i = 0; values != null && i < values.size(); i++) {
					if (values.get(i) != null && !seen.add(values.get(i))) {
						context.disableDefaultConstraintViolation();
						context.buildConstraintViolationWithTemplate(literal("duplicates " + values.get(i)))
							.addBeanNode()
							.inIterable()
							.atIndex(i)
							.addConstraintViolation();
						return false;
					}
				}
				return true;
			}

		}

	}

	/** Each capability's scope once: a duplicate is named by its index. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target({ ElementType.FIELD, ElementType.TYPE_USE })
	@Constraint(validatedBy = DistinctScopes.Check.class)
	@interface DistinctScopes {

		String message() default "must not hold a scope twice";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		/** Checks {@link DistinctScopes}. */
		class Check implements ConstraintValidator<DistinctScopes, List<AgentDocumentRequest.CapabilityRequest>> {

			@Override
			public boolean isValid(List<AgentDocumentRequest.CapabilityRequest> capabilities,
					ConstraintValidatorContext context) {
				Set<String> seen = new HashSet<>();
				for (int i = 0; capabilities != null && i < capabilities.size(); i++) {
					String scope = (capabilities.get(i) != null) ? capabilities.get(i).scope() : null;
					if (scope != null && !seen.add(scope)) {
						context.disableDefaultConstraintViolation();
						context.buildConstraintViolationWithTemplate(literal("duplicates scope " + scope))
							.addPropertyNode("scope")
							.inIterable()
							.atIndex(i)
							.addConstraintViolation();
						return false;
					}
				}
				return true;
			}

		}

	}

}
