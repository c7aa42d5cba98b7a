package dev.agentidp.app;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The details the admin API answers for a body that does not bind to the request record
 * this is on ({@link AdminBodyErrors}): a body that is no JSON object, a member the
 * record does not have, a member only the server sets. In the templates {@code {field}}
 * stands for the member's path ({@code capabilities[0].x}) and {@code {allowed}} for the
 * record's members, sorted. A record without it (such as a nested one) is answered with
 * the defaults.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AdminBody {

	/**
	 * The detail for a body that is no JSON object, or is missing.
	 * @return the detail
	 */
	String notAnObject() default "body: must be a JSON object";

	/**
	 * The detail for a member the record does not have.
	 * @return the template
	 */
	String unknownField() default "{field}: is not a known field (allowed: {allowed})";

	/**
	 * The members only the server sets (they are no member of the record either).
	 * @return the member names
	 */
	String[] serverSet() default {};

	/**
	 * The detail for a member only the server sets.
	 * @return the template
	 */
	String serverSetField() default "{field}: is set by the server and cannot be given";

}
