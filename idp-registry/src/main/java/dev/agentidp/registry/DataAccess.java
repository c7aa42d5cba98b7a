package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * A data resource an agent touches.
 *
 * @param resource the resource, e.g. {@code crm.customers}
 * @param access how the agent accesses it
 * @param sensitivity how sensitive the data is
 */
public record DataAccess(String resource, Access access, Sensitivity sensitivity) {

	public DataAccess {
		Assert.hasText(resource, "resource cannot be empty");
		Assert.notNull(access, "access cannot be null");
		Assert.notNull(sensitivity, "sensitivity cannot be null");
	}

}
