package dev.agentidp.audit;

/**
 * A chain's head was not the one this node committed last ({@link ChainAppender}): the
 * group's transaction rolls back and its units run again alone, each reading the heads
 * under their locks.
 */
final class StaleChainHeadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	StaleChainHeadException(String chain) {
		super("The head of audit chain " + chain + " moved since this node committed it");
	}

}
