package dev.agentidp.audit;

import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.util.Assert;

/**
 * Records every published {@link AuditableEvent} in the publisher's transaction.
 * <p>
 * A {@link TransactionalEventListener} in phase {@code BEFORE_COMMIT}, rather than a
 * plain {@code @EventListener}: the record is still written in the publisher's
 * transaction (it commits or rolls back with the change, and an append that fails makes
 * the commit fail and roll back), but only at the end of it, so the chain's row lock is
 * held for the commit alone and not for the rest of the publisher's work, and a
 * transaction that rolls back writes nothing. Events published outside a transaction are
 * recorded at once in a transaction of their own ({@code fallbackExecution}).
 */
final class AuditEventRecorder {

	private final AuditTrail trail;

	AuditEventRecorder(AuditTrail trail) {
		Assert.notNull(trail, "trail cannot be null");
		this.trail = trail;
	}

	@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT, fallbackExecution = true)
	void record(AuditableEvent event) {
		this.trail.append(event.auditEntry());
	}

}
