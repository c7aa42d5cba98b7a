package dev.agentidp.registry;

/**
 * A rule another module holds an identity document to before it is written: the policy
 * module compiles the document's CEL conditions, so that a condition that does not
 * compile is refused at registration and PATCH with the compiler's message. Every bean of
 * this type is applied, after the registry's own invariants, to each profile registered
 * or updated.
 */
@FunctionalInterface
public interface ProfileCheck {

	/**
	 * Checks a profile about to be written.
	 * @param profile the profile
	 * @throws InvalidInputException naming the member and the rule it breaks
	 */
	void check(AgentProfile profile);

}
