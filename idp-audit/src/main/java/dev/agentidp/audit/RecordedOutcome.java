package dev.agentidp.audit;

import org.springframework.util.Assert;

/**
 * What a unit of work given to {@link AuditTrail#appendGrouped} ends in: its outcome, for
 * the caller, and the record that says what it did, committed together.
 *
 * @param <T> the outcome's type
 * @param outcome what the caller gets once the record is durable
 * @param entry the record
 */
public record RecordedOutcome<T>(T outcome, AuditEntry entry) {

	public RecordedOutcome {
		Assert.notNull(entry, "entry cannot be null");
	}

}
