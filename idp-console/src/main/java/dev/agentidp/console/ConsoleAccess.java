package dev.agentidp.console;

/**
 * Who may see and change which agent in the console (issue 18, "Roles"), deny by default:
 * an admin sees and changes every agent; an auditor sees every agent and changes none; an
 * owner sees and changes the agents whose {@code owner} is their email address; anyone
 * else, nothing.
 */
final class ConsoleAccess {

	private ConsoleAccess() {
	}

	/** Whether the person sees every agent (admin, auditor), not only their own. */
	static boolean seesEveryAgent(SignedInPerson person) {
		return person.isAdmin() || person.isAuditor();
	}

	/** Whether the person may see the page of an agent with this owner. */
	static boolean maySee(SignedInPerson person, String agentOwner) {
		return seesEveryAgent(person) || owns(person, agentOwner);
	}

	/** Whether the person may suspend or resume an agent with this owner. */
	static boolean mayChange(SignedInPerson person, String agentOwner) {
		return person.isAdmin() || owns(person, agentOwner);
	}

	/**
	 * Whether the person may see a token held by an agent with this owner ({@code null}:
	 * a token no agent holds, or whose agent is gone): those who see every agent see
	 * every token; an owner, their agents' tokens.
	 */
	static boolean maySeeToken(SignedInPerson person, String agentOwner) {
		return seesEveryAgent(person) || (agentOwner != null && owns(person, agentOwner));
	}

	/**
	 * Whether the person may revoke a token held by an agent with this owner: an admin
	 * any; an owner, their agents' tokens; an auditor none.
	 */
	static boolean mayChangeToken(SignedInPerson person, String agentOwner) {
		return person.isAdmin() || (agentOwner != null && owns(person, agentOwner));
	}

	/**
	 * Whether the person may register agents: an admin (for any owner), an owner with an
	 * email address (for themselves).
	 */
	static boolean mayRegister(SignedInPerson person) {
		return person.isAdmin() || (person.isOwner() && person.email() != null);
	}

	/**
	 * The owner of an agent the person registers: {@code requested} for an admin, the
	 * person's own address for an owner (issue 18: "register new ones owned by
	 * themselves"), whatever they asked for.
	 */
	static String registrationOwner(SignedInPerson person, String requested) {
		return person.isAdmin() ? requested : person.email();
	}

	/**
	 * Whether the person may search, verify and export the whole audit trail (issue 18:
	 * the auditor is read-only "plus audit verify and export"): admins and auditors.
	 */
	static boolean mayAudit(SignedInPerson person) {
		return person.isAdmin() || person.isAuditor();
	}

	/**
	 * Whether the person may read the detection's reports (issue 20 "Reports"): admins
	 * and auditors, who read every agent.
	 */
	static boolean mayReadReports(SignedInPerson person) {
		return person.isAdmin() || person.isAuditor();
	}

	/**
	 * Whether the person may manage the provider's clients and people, and the webhook
	 * subscriptions: admins only.
	 */
	static boolean mayAdminister(SignedInPerson person) {
		return person.isAdmin();
	}

	/**
	 * The owner whose agents the inventory lists: the person's own address for an owner,
	 * {@code requested} (any owner when {@code null}) for those who see every agent.
	 */
	static String inventoryOwner(SignedInPerson person, String requested) {
		if (seesEveryAgent(person)) {
			return requested;
		}
		// an owner without an email address owns nothing: no agent has an empty owner
		return (person.email() != null) ? person.email() : "";
	}

	/**
	 * The person as an approver in the approvers' queue (issue 19), or {@code null} when
	 * they hold no {@code approver:<role>} or have no email address (a decision's actor
	 * is {@code user:<email>}).
	 */
	static dev.agentidp.approvals.Approver approver(SignedInPerson person) {
		if (person.email() == null || person.roles().stream().noneMatch((r) -> r.startsWith(Person.APPROVER_PREFIX))) {
			return null;
		}
		return new dev.agentidp.approvals.Approver(person.email(), person.roles());
	}

	private static boolean owns(SignedInPerson person, String agentOwner) {
		return person.isOwner() && person.email() != null && person.email().equals(agentOwner);
	}

}
