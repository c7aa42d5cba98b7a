package dev.agentidp.audit;

/**
 * Told of every audit record once it is committed (never of one that rolled back), for
 * metrics and the like. Must be quick and must not throw.
 */
@FunctionalInterface
public interface AuditObserver {

	/**
	 * A record was committed.
	 * @param record the record
	 */
	void recorded(AuditRecord record);

}
