package dev.agentidp.audit;

import java.time.Instant;
import java.util.List;

import org.springframework.util.Assert;

/**
 * What the audit trail says happened over a time range, for charts: per hour, how many
 * records of one action were allowed and how many records were denials; and the most
 * frequent reasons of the denials. Counts are of records: a flood of refusals summarised
 * into one record ({@link Refusals}) counts once.
 *
 * @param from the start of the range (inclusive), at an hour
 * @param to the end of the range (exclusive)
 * @param hours every hour of the range, oldest first, with zeros where nothing happened
 * @param denialsByReason the denials' reasons, most frequent first
 */
public record AuditActivity(Instant from, Instant to, List<Hour> hours, List<ReasonCount> denialsByReason) {

	public AuditActivity {
		Assert.notNull(from, "from cannot be null");
		Assert.notNull(to, "to cannot be null");
		hours = List.copyOf(hours);
		denialsByReason = List.copyOf(denialsByReason);
	}

	/**
	 * One hour.
	 *
	 * @param start its start
	 * @param counted the records of the counted action, allowed
	 * @param denials the records denied, whatever their action
	 */
	public record Hour(Instant start, long counted, long denials) {
	}

	/**
	 * A reason of denials.
	 *
	 * @param reason the reason, or {@code (none)}
	 * @param count how many denial records give it
	 */
	public record ReasonCount(String reason, long count) {
	}

}
