package dev.agentidp.policy;

import java.util.Optional;

/**
 * Rule 7: an action whose scope is listed in {@code humanOversight.requiredFor} needs a
 * human's approval. How an approval is obtained and carried is the approvals issue's;
 * until then no token carries one, and such an action is denied.
 */
final class ApprovalRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		String scope = attempt.request().scope();
		if (!attempt.declared().oversight().requiredFor().contains(scope)) {
			return Optional.empty();
		}
		return Optional.of(new Denial(DecisionCode.APPROVAL_REQUIRED,
				scope + " is listed in humanOversight.requiredFor and the token carries no approval for it",
				"This action needs a human's approval" + (attempt.declared().oversight().approvers().isEmpty() ? ""
						: " (" + String.join(", ", attempt.declared().oversight().approvers()) + ")")));
	}

}
