package dev.agentidp.audit;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * Makes a signed checkpoint every {@code idp.audit.checkpoint-interval} (60 s) when the
 * trail changed. Runs only where scheduling is enabled (the application enables it).
 */
final class AuditCheckpointScheduler {

	private final AuditCheckpoints checkpoints;

	private final TransactionTemplate transactions;

	AuditCheckpointScheduler(AuditCheckpoints checkpoints, TransactionTemplate transactions) {
		Assert.notNull(checkpoints, "checkpoints cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		this.checkpoints = checkpoints;
		this.transactions = transactions;
	}

	@Scheduled(initialDelayString = "${idp.audit.checkpoint-interval:60s}",
			fixedDelayString = "${idp.audit.checkpoint-interval:60s}")
	void checkpoint() {
		this.transactions.executeWithoutResult((tx) -> this.checkpoints.createIfChanged());
	}

}
