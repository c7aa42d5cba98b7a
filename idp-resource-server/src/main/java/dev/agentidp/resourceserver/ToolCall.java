package dev.agentidp.resourceserver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks the policy decision point before the method runs: may the agent of the current
 * request perform {@link #action()} on {@link #tool()} now? On a denial the method does
 * not run and a {@link ToolCallDeniedException} is thrown (a Spring MVC handler answers
 * 403 {@code application/problem+json} with the PDP's {@code reason_user} as
 * {@code detail}). Works on any Spring bean's method (it is proxied); the request must
 * have been authenticated by the kit. One call per request: the request's DPoP proof is
 * single-use at the PDP too. <pre>
 * &#64;ToolCall(tool = "github", action = "create_pr", cost = "#request.cost", target = "#repo")
 * PullRequest createPr(String repo, CreatePr request) { … }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ToolCall {

	/**
	 * The tool's id, as the agent's identity document declares it.
	 * @return the tool
	 */
	String tool();

	/**
	 * The permission, one of the tool's {@code permissions}.
	 * @return the action
	 */
	String action();

	/**
	 * A SpEL expression over the method's arguments ({@code #name}) giving the call's
	 * cost (a number), or empty for none.
	 * @return the expression
	 */
	String cost() default "";

	/**
	 * A SpEL expression over the method's arguments giving what the call acts on
	 * (recorded with the decision), or empty for none.
	 * @return the expression
	 */
	String target() default "";

}
