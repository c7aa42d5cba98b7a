package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 2: the tool ({@code tools[].id}) and the action among its {@code permissions}, or
 * the data resource ({@code dataAccess[].resource}) and the action as its {@code access},
 * must be declared in the acting agent's identity document ({@link DeclaredAccess}: a
 * sub-agent's is narrowed to its granted capabilities).
 */
final class DeclaredRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		AccessRequest request = attempt.request();
		if (attempt.declared().declares(request.resourceType(), request.resourceId(), request.action())) {
			return Optional.empty();
		}
		boolean resourceDeclared = attempt.declared().resources(request.resourceType()).contains(request.resourceId());
		String what = request.resourceType().value() + " " + request.resourceId();
		String admin = resourceDeclared ? "action " + request.action() + " on " + what + " is not declared in agent "
				+ attempt.agentId() + "'s document"
				: what + " is not declared in agent " + attempt.agentId() + "'s document";
		return Optional.of(new Denial(DecisionCode.NOT_DECLARED, admin,
				"The agent is not registered to " + request.action() + " " + what));
	}

}
