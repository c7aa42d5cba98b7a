package dev.agentidp.audit;

/**
 * No checkpoint was made: the trail no longer extends the latest checkpoint (a chain's
 * record at the signed seq has another hash, or the chain is gone), or the latest
 * checkpoint itself does not verify. Signing now would whitewash the change (issue 14,
 * item 1). The refusal is recorded ({@code audit.checkpoint.refused} on the
 * {@code _system} chain), counted ({@code idp.audit.checkpoint.refused}) and logged.
 */
public final class AuditCheckpointRefusedException extends RuntimeException {

	private final String chain;

	AuditCheckpointRefusedException(String chain, String reason) {
		super(reason);
		this.chain = chain;
	}

	/**
	 * The chain that no longer extends the latest checkpoint.
	 * @return its name, or {@code null} when the latest checkpoint itself is at fault
	 */
	public String chain() {
		return this.chain;
	}

}
