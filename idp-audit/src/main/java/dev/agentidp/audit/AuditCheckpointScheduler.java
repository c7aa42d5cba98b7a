package dev.agentidp.audit;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.Assert;

/**
 * Makes a signed checkpoint every {@code idp.audit.checkpoint-interval} (60 s) when the
 * trail changed. Runs only where scheduling is enabled (the application enables it). A
 * refused checkpoint (the trail no longer extends the latest one) is recorded, counted
 * and logged by the trail, and tried again at the next interval.
 */
final class AuditCheckpointScheduler {

	private final AuditTrail trail;

	AuditCheckpointScheduler(AuditTrail trail) {
		Assert.notNull(trail, "trail cannot be null");
		this.trail = trail;
	}

	@Scheduled(initialDelayString = "${idp.audit.checkpoint-interval:60s}",
			fixedDelayString = "${idp.audit.checkpoint-interval:60s}")
	void checkpoint() {
		try {
			this.trail.createCheckpointIfChanged();
		}
		catch (AuditCheckpointRefusedException ex) {
			// recorded, counted and logged already
		}
	}

}
