package dev.agentidp.audit;

/**
 * The outcome of verifying the trail (API.md §2, {@code GET /admin/v1/audit/verify}).
 */
public sealed interface AuditVerification {

	/**
	 * Whether the trail is intact.
	 * @return true when valid
	 */
	boolean valid();

	/**
	 * Every chain verified: each record's hash matches its contents and its predecessor,
	 * the sequence is gap-free from 1, and the chains agree with their heads and with the
	 * latest signed checkpoint.
	 *
	 * @param chains how many chains were verified
	 * @param records how many records were verified
	 */
	record Valid(long chains, long records) implements AuditVerification {

		@Override
		public boolean valid() {
			return true;
		}

	}

	/**
	 * The first break found.
	 *
	 * @param chain the chain where it is, or {@code null} when the latest checkpoint
	 * itself is at fault
	 * @param seq the sequence number where it is, or {@code null} when the latest
	 * checkpoint itself is at fault
	 * @param reason what is wrong
	 */
	record Broken(String chain, Long seq, String reason) implements AuditVerification {

		@Override
		public boolean valid() {
			return false;
		}

	}

}
