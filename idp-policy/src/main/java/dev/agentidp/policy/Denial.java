package dev.agentidp.policy;

import org.springframework.util.Assert;

/**
 * What a failing rule says: its code, a reason for the administrator (precise: which
 * declaration, scope or audience) and one for the user (what to do about it).
 *
 * @param code the rule's code
 * @param reasonAdmin the reason for administrators
 * @param reasonUser the reason for the agent's user
 */
public record Denial(DecisionCode code, String reasonAdmin, String reasonUser) {

	public Denial {
		Assert.notNull(code, "code cannot be null");
		Assert.isTrue(code != DecisionCode.ALLOWED, "a denial cannot be allowed");
		Assert.hasText(reasonAdmin, "reasonAdmin cannot be empty");
		Assert.hasText(reasonUser, "reasonUser cannot be empty");
	}

}
