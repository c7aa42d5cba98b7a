package dev.agentidp.audit;

/**
 * A domain event that the audit trail records. Modules publish their events (records)
 * with Spring's {@code ApplicationEventPublisher} inside the transaction of the change;
 * the audit module appends the entry in that same transaction, so the change and its
 * record commit or roll back together (an event lost is an audit record lost).
 */
public interface AuditableEvent {

	/**
	 * The audit record this event makes.
	 * @return the entry
	 */
	AuditEntry auditEntry();

}
