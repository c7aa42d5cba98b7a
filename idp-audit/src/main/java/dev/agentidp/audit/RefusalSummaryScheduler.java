package dev.agentidp.audit;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.Assert;

/**
 * Writes the summaries of aggregated refusals every {@code idp.audit.refusals.interval}
 * (10 s): the one writer of summary records on this node. Runs only where scheduling is
 * enabled (the application enables it); {@link Refusals#flush()} also runs at shutdown.
 */
final class RefusalSummaryScheduler {

	private final Refusals refusals;

	RefusalSummaryScheduler(Refusals refusals) {
		Assert.notNull(refusals, "refusals cannot be null");
		this.refusals = refusals;
	}

	@Scheduled(initialDelayString = "${idp.audit.refusals.interval:10s}",
			fixedDelayString = "${idp.audit.refusals.interval:10s}")
	void flush() {
		this.refusals.flush();
	}

}
