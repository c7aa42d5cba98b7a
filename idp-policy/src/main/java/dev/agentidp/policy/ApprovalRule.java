package dev.agentidp.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.tokens.PresentedToken;

/**
 * Rule 7: an action whose scope is listed in {@code humanOversight.requiredFor} needs a
 * human's approval (issue 19, item 5): the token must carry an {@code approval} (the CIBA
 * grant's, docs/approvals.md) and {@code authorization_details} of type {@code tool_call}
 * that cover the call: the same tool and action, the same target when the approval names
 * one, a cost within the approval's when it names one. The approval's uses
 * ({@code max_uses}, 1 by default) are counted by {@link DecisionRecorder} with the
 * decision, so that a second call under a single-use approval is
 * {@code approval_required} again.
 */
final class ApprovalRule implements AccessRule {

	@Override
	public Optional<Denial> check(AccessAttempt attempt) {
		String scope = attempt.request().scope();
		if (!attempt.declared().oversight().requiredFor().contains(scope)) {
			return Optional.empty();
		}
		Optional<ApprovalId> approval = approvalOf(attempt.token());
		if (approval.isEmpty()) {
			return Optional.of(denial(attempt,
					scope + " is listed in humanOversight.requiredFor and the token carries no approval for it"));
		}
		AccessRequest request = attempt.request();
		List<AuthorizationDetail> details = AuthorizationDetail
			.fromClaim(attempt.token().claims().get("authorization_details"));
		boolean covered = request.resourceType() == ResourceType.TOOL && details.stream()
			.anyMatch((detail) -> detail.covers(request.resourceId(), request.action(), request.target(),
					request.cost()));
		if (!covered) {
			return Optional.of(denial(attempt,
					"the authorization_details of approval " + approval.get() + " do not cover " + scope
							+ ((request.target() != null) ? " on " + request.target() : "") + " at cost "
							+ request.cost().toPlainString()));
		}
		return Optional.empty();
	}

	/**
	 * The approval a call that passes this rule uses, to be counted with its decision.
	 * @param attempt the attempt
	 * @return the approval, or empty when the call needs none
	 */
	static Optional<ApprovalId> approvalUsed(AccessAttempt attempt) {
		if (attempt.declared() == null || attempt.token() == null
				|| !attempt.declared().oversight().requiredFor().contains(attempt.request().scope())) {
			return Optional.empty();
		}
		return approvalOf(attempt.token());
	}

	/**
	 * The denial of a call whose approval was used up (counted concurrently, on any
	 * node).
	 * @param attempt the attempt
	 * @param approval the approval
	 * @return the denial
	 */
	static Denial usedUp(AccessAttempt attempt, ApprovalId approval) {
		return denial(attempt, "approval " + approval + " was used already (one use per approval)");
	}

	private static Optional<ApprovalId> approvalOf(PresentedToken token) {
		if (token != null && token.claims().get("approval") instanceof Map<?, ?> approval
				&& approval.get("id") instanceof String id) {
			try {
				return Optional.of(ApprovalId.of(id));
			}
			catch (IllegalArgumentException ex) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	private static Denial denial(AccessAttempt attempt, String reasonAdmin) {
		List<String> approvers = attempt.declared().oversight().approvers();
		return new Denial(DecisionCode.APPROVAL_REQUIRED, reasonAdmin, "This action needs a human's approval"
				+ (approvers.isEmpty() ? "" : " (" + String.join(", ", approvers) + ")"));
	}

}
