package dev.agentidp.resourceserver;

import java.lang.reflect.Method;
import java.math.BigDecimal;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Runs a {@link ToolCall} method only when the policy decision point allows it: the
 * request's {@link AgentAuthentication}, the annotation's tool and action, and its cost
 * and target evaluated from the arguments. Deny by default: no agent authentication, a
 * cost that is not a number, or a PDP that cannot be asked all refuse the call.
 */
final class ToolCallInterceptor implements MethodInterceptor {

	private final ObjectProvider<PolicyDecisions> decisions;

	private final ExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();

	ToolCallInterceptor(ObjectProvider<PolicyDecisions> decisions) {
		this.decisions = decisions;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), (invocation.getThis() != null)
				? AopUtils.getTargetClass(invocation.getThis()) : invocation.getMethod().getDeclaringClass());
		ToolCall call = AnnotatedElementUtils.findMergedAnnotation(method, ToolCall.class);
		if (call == null) {
			call = AnnotatedElementUtils.findMergedAnnotation(invocation.getMethod(), ToolCall.class);
		}
		if (call == null) {
			return invocation.proceed();
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof AgentAuthentication agent)) {
			throw new ToolCallDeniedException(
					new ToolDecision(false, "unauthenticated", "The call needs an agent's access token", null));
		}
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(null, method, invocation.getArguments(),
				this.names);
		BigDecimal cost;
		String target;
		try {
			cost = call.cost().isEmpty() ? null : cost(this.parser.parseExpression(call.cost()).getValue(context));
			Object value = call.target().isEmpty() ? null
					: this.parser.parseExpression(call.target()).getValue(context);
			target = (value != null) ? value.toString() : null;
		}
		catch (EvaluationException | NumberFormatException ex) {
			throw new ToolCallDeniedException(new ToolDecision(false, "invalid_request",
					"The call's cost or target could not be read from its arguments", null));
		}
		ToolDecision decision = this.decisions.getObject().evaluate(agent, call.tool(), call.action(), target, cost);
		if (!decision.allowed()) {
			throw new ToolCallDeniedException(decision);
		}
		return invocation.proceed();
	}

	private static BigDecimal cost(Object value) {
		return switch (value) {
			case null -> null;
			case BigDecimal decimal -> decimal;
			case Number number -> new BigDecimal(number.toString());
			default -> new BigDecimal(value.toString());
		};
	}

}
