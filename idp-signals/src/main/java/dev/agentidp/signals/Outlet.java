package dev.agentidp.signals;

import java.time.Instant;

/** Where dispatched outbox events go: the webhooks, the SSF streams. */
interface Outlet {

	/**
	 * Queues an event for every subscriber that wants it, in the dispatching transaction.
	 */
	void queue(Outbox.Event event, Instant now);

	/**
	 * Makes the deliveries that are due.
	 * @return how many were attempted
	 */
	int deliver(Instant now);

	/** Deletes finished deliveries queued before the cutoff. */
	int purge(Instant cutoff);

}
