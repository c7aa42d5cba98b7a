package dev.agentidp.audit;

import java.util.List;

/**
 * One page of audit records.
 *
 * @param items the records, newest first
 * @param nextCursor the cursor of the next page, or {@code null} on the last page
 */
public record AuditPage(List<AuditRecord> items, String nextCursor) {

	public AuditPage {
		items = List.copyOf(items);
	}

}
