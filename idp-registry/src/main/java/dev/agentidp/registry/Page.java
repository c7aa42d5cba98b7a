package dev.agentidp.registry;

import java.util.List;

/**
 * One page of a list, and the cursor of the next (docs/api.md "Contract").
 *
 * @param <T> the item type
 * @param items the items
 * @param nextCursor the opaque cursor of the next page, or {@code null} on the last
 * @see AgentRegistry#list(AgentFilter, String, int)
 */
public record Page<T>(List<T> items, String nextCursor) {

	/** The default page size. */
	public static final int DEFAULT_LIMIT = 50;

	/** The largest page size. */
	public static final int MAX_LIMIT = 500;

	public Page {
		items = List.copyOf(items);
	}

	static int checkLimit(int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidInputException("limit", "must be an integer between 1 and " + MAX_LIMIT);
		}
		return limit;
	}

}
