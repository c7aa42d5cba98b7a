package dev.agentidp.console;

import java.io.Serializable;
import java.util.Set;

/**
 * The principal of a console session: who signed in, with the roles they had then (a
 * change of roles takes effect at the next sign-in).
 *
 * @param username the username
 * @param email the email address, or {@code null}
 * @param roles the roles
 * @param actor {@code user:<email>}
 */
record SignedInPerson(String username, String email, Set<String> roles, String actor) implements Serializable {

	static SignedInPerson of(Person person) {
		return new SignedInPerson(person.username(), person.email(), person.roles(), person.actor());
	}

	boolean isAdmin() {
		return this.roles.contains(Person.ADMIN);
	}

	boolean isAuditor() {
		return this.roles.contains(Person.AUDITOR);
	}

	boolean isOwner() {
		return this.roles.contains(Person.OWNER);
	}

	/** Whether the person holds an {@code approver:<role>} (issue 19). */
	public boolean isApprover() {
		return this.roles.stream().anyMatch((role) -> role.startsWith(Person.APPROVER_PREFIX));
	}

	/** What the page shows as who is signed in. */
	public String displayName() {
		return (this.email != null) ? this.email : this.username;
	}

	@Override
	public String toString() {
		return this.actor;
	}

}
