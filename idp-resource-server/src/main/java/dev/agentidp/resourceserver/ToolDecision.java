package dev.agentidp.resourceserver;

/**
 * The policy decision point's answer to one tool call (AuthZEN 1.0 {@code decision} and
 * its {@code context}).
 *
 * @param allowed {@code decision}
 * @param code {@code context.code}: {@code allowed}, a rule's code (docs/policy.md), or
 * {@code pdp_unavailable} when the PDP could not be asked (deny by default)
 * @param reasonUser {@code context.reason_user.en} of a denial, else {@code null}
 * @param id {@code context.id}, the decision's id in the provider's audit trail, or
 * {@code null}
 */
public record ToolDecision(boolean allowed, String code, String reasonUser, String id) {

	/** When the PDP could not be asked. */
	static ToolDecision unavailable(String why) {
		return new ToolDecision(false, "pdp_unavailable",
				"The policy decision point could not be asked (" + why + "); try again later", null);
	}

}
