package dev.agentidp.audit;

import java.util.function.Supplier;

import org.springframework.util.Assert;

/**
 * A unit of work for {@link AuditTrail#appendGrouped}: what it does and records, and
 * where it stands in its group. The units of a group run sorted by {@code lockOrder}
 * (arrival order among equals), so that units that lock rows besides the audit chains'
 * heads (a budget ledger's, say) lock them in the same order in every group, and two
 * groups committing at once cannot wait for each other's rows.
 *
 * @param <T> the outcome's type
 * @param lockOrder the key of the first row the work locks ({@code ""} when it locks
 * none); the work must lock the rest after it
 * @param work the work and its record
 */
public record GroupedWork<T>(String lockOrder, Supplier<RecordedOutcome<T>> work) {

	public GroupedWork {
		lockOrder = (lockOrder != null) ? lockOrder : "";
		Assert.notNull(work, "work cannot be null");
	}

	/**
	 * Work that locks no row of its own.
	 * @param <T> the outcome's type
	 * @param work the work and its record
	 * @return the unit
	 */
	public static <T> GroupedWork<T> of(Supplier<RecordedOutcome<T>> work) {
		return new GroupedWork<>("", work);
	}

}
