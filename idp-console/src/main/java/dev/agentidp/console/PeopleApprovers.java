package dev.agentidp.console;

import java.util.Optional;

import dev.agentidp.approvals.Approver;
import dev.agentidp.approvals.ApproverDirectory;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The people directory as the approvals module sees it: an active account, found by its
 * e-mail address, with its roles ({@code approver:<role>} among them). A disabled
 * account, or one without that address, is no one who may approve. A federated person is
 * known once they have signed in; their roles are those of their last sign-in.
 */
@Component
final class PeopleApprovers implements ApproverDirectory {

	private final People people;

	PeopleApprovers(People people) {
		Assert.notNull(people, "people cannot be null");
		this.people = people;
	}

	@Override
	public Optional<Approver> find(String email) {
		return this.people.find(email)
			.filter((person) -> !person.disabled() && person.email() != null && person.email().equalsIgnoreCase(email))
			.map((person) -> new Approver(person.email(), person.roles()));
	}

}
