package dev.agentidp.console;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.springframework.util.Assert;

/**
 * A person who signs in to the console. Never carries the password or its hash.
 *
 * @param id the id
 * @param username the username, {@code [A-Za-z0-9._-]{1,64}}
 * @param email the email address, lower case, or {@code null} (the bootstrap admin)
 * @param roles the roles: {@code admin}, {@code owner}, {@code auditor},
 * {@code approver:<role>}; none is allowed (such a person is refused everywhere)
 * @param createdAt when the account was created
 * @param disabled whether sign-in is refused
 */
public record Person(UUID id, String username, String email, Set<String> roles, Instant createdAt, boolean disabled) {

	/** The role that may do everything. */
	public static final String ADMIN = "admin";

	/** The role of the people who own agents: they see and change their own. */
	public static final String OWNER = "owner";

	/** The read-only role: sees everything, changes nothing. */
	public static final String AUDITOR = "auditor";

	/** The prefix of an approver's role, {@code approver:<role>}. */
	public static final String APPROVER_PREFIX = "approver:";

	public Person {
		Assert.notNull(id, "id cannot be null");
		Assert.hasText(username, "username cannot be empty");
		roles = Set.copyOf(roles);
	}

	/**
	 * Who this person is in the audit trail and in an agent's versions:
	 * {@code user:<email>}, or {@code user:<username>} without an email address.
	 * @return the actor
	 */
	public String actor() {
		return "user:" + ((this.email != null) ? this.email : this.username);
	}

}
