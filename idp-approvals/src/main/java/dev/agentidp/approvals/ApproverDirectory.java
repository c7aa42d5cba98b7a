package dev.agentidp.approvals;

import java.util.Optional;

/**
 * Who the people that may decide are: the directory the console keeps (issue 18), asked
 * by e-mail when a backchannel request names its approver ({@code login_hint}), so that a
 * hint naming someone who could never decide is refused at once (CIBA Core 1.0 §13,
 * {@code unknown_user_id}) rather than left to expire. The approvals module declares it
 * and the console implements it, since the console depends on approvals and not the other
 * way round. Without an implementation every {@code login_hint} is refused.
 */
public interface ApproverDirectory {

	/**
	 * The active person with this e-mail address, as an approver.
	 * @param email the address, compared without regard to case
	 * @return the person and their roles, or empty when no active account has it
	 */
	Optional<Approver> find(String email);

}
