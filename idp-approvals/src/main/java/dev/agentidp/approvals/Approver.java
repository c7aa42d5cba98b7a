package dev.agentidp.approvals;

import java.util.Set;

import org.springframework.util.Assert;

/**
 * A person deciding an approval request, as the console (issue 18) signed them in.
 *
 * @param email their e-mail, the {@code actor} of the decision's audit record
 * ({@code user:<email>})
 * @param roles their roles; {@code approver:<role>} entitles them to decide for agents
 * whose {@code humanOversight.approvers} lists {@code <role>}
 */
public record Approver(String email, Set<String> roles) {

	/** The prefix of the roles that entitle a person to decide. */
	public static final String ROLE_PREFIX = "approver:";

	public Approver {
		Assert.hasText(email, "email cannot be empty");
		roles = (roles != null) ? Set.copyOf(roles) : Set.of();
	}

	/**
	 * Whether this person holds {@code approver:<role>} for one of the roles given.
	 * @param approverRoles the agent's {@code humanOversight.approvers}
	 * @return {@code true} when they do
	 */
	public boolean holdsOneOf(java.util.Collection<String> approverRoles) {
		return approverRoles.stream().anyMatch((role) -> this.roles.contains(ROLE_PREFIX + role));
	}

}
