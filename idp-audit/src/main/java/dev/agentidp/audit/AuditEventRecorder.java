package dev.agentidp.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Records every published {@link AuditableEvent} in the publisher's transaction, at its
 * commit, taking the chains' locks in a fixed order.
 * <p>
 * The entries of a transaction are collected as they are published and appended just
 * before it commits ({@link TransactionSynchronization#beforeCommit}): still in the
 * publisher's transaction (they commit or roll back with the change, and an append that
 * fails makes the commit fail and roll back), but only at the end of it, so a chain's row
 * lock is held for the commit alone, and a transaction that rolls back writes nothing.
 * They are appended <b>sorted by chain</b> (stable: one chain's entries keep their
 * order), so that two transactions touching the same chains take the head locks in the
 * same order and cannot deadlock: an exchange records on the parent's chain and then the
 * sub-agent's, and another transaction in the reverse order would otherwise wait for it
 * while it waits in turn (issue 14, item 15; PostgreSQL's {@code 40P01}). Events
 * published outside a transaction are recorded at once in a transaction of their own, as
 * are events published while the transaction's entries are being appended.
 */
final class AuditEventRecorder {

	/** Bytewise, as the chains sort in the database ({@code COLLATE "C"}). */
	private static final Comparator<AuditEntry> LOCK_ORDER = Comparator.comparing(AuditEntry::chain);

	private final AuditTrail trail;

	AuditEventRecorder(AuditTrail trail) {
		Assert.notNull(trail, "trail cannot be null");
		this.trail = trail;
	}

	@EventListener
	void record(AuditableEvent event) {
		AuditEntry entry = event.auditEntry();
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			this.trail.append(entry);
			return;
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			pending = new Pending(this);
			TransactionSynchronizationManager.bindResource(this, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		if (pending.appended) {
			// published by another synchronization's beforeCommit, after ours ran
			this.trail.append(entry);
			return;
		}
		pending.entries.add(entry);
	}

	/** The entries of one transaction, appended when it commits. */
	private static final class Pending implements TransactionSynchronization {

		private final AuditEventRecorder recorder;

		private final List<AuditEntry> entries = new ArrayList<>();

		private boolean appended;

		Pending(AuditEventRecorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			this.appended = true;
			List<AuditEntry> sorted = new ArrayList<>(this.entries);
			sorted.sort(LOCK_ORDER);
			for (AuditEntry entry : sorted) {
				this.recorder.trail.append(entry);
			}
		}

		@Override
		public void suspend() {
			// a transaction of its own (REQUIRES_NEW) collects its own entries
			TransactionSynchronizationManager.unbindResource(this.recorder);
		}

		@Override
		public void resume() {
			TransactionSynchronizationManager.bindResource(this.recorder, this);
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(this.recorder);
		}

	}

}
