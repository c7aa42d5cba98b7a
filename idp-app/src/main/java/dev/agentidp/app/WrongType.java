package dev.agentidp.app;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The detail the admin API answers when a member of a request record holds the wrong JSON
 * type, where the default ({@code "<path>: must be a string"}, {@code "... must be an
 * array"}, ...) would say less than the member's rule ({@link AdminBodyErrors}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface WrongType {

	/**
	 * The whole detail.
	 * @return the detail
	 */
	String value();

}
