package dev.agentidp.audit;

/**
 * The outcome of verifying the trail (docs/audit.md "Contract",
 * {@code GET /admin/v1/audit/verify}).
 */
public sealed interface AuditVerification {

	/**
	 * Whether the trail is intact.
	 * @return true when valid
	 */
	boolean valid();

	/**
	 * Every chain verified: each record's hash matches its contents and its predecessor,
	 * the sequence is gap-free from 1, the chains agree with their heads, the signed
	 * checkpoints form an unbroken chain, and every head any of them signed is still the
	 * record at that sequence number.
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
	 * @param chain the chain where it is, or {@code null} when a checkpoint itself is at
	 * fault (its signature, its place or its link to the one before)
	 * @param seq the sequence number where it is, or {@code null} when a checkpoint
	 * itself is at fault
	 * @param reason what is wrong
	 * @param checkpoint the number ({@code seq}) of the signed checkpoint the break was
	 * found against, or {@code null} when no checkpoint is involved
	 */
	record Broken(String chain, Long seq, String reason, Long checkpoint) implements AuditVerification {

		/**
		 * A break that no checkpoint is involved in.
		 * @param chain the chain where it is
		 * @param seq the sequence number where it is
		 * @param reason what is wrong
		 */
		public Broken(String chain, Long seq, String reason) {
			this(chain, seq, reason, null);
		}

		@Override
		public boolean valid() {
			return false;
		}

	}

}
