package dev.agentidp.registry;

import org.springframework.util.Assert;

/**
 * A data resource an agent touches.
 *
 * @param resource the resource, e.g. {@code crm.customers}
 * @param access how the agent accesses it
 * @param sensitivity how sensitive the data is
 * @param condition a CEL expression the policy decision point requires true before this
 * access is allowed (docs/policy.md), or {@code null}
 */
public record DataAccess(String resource, Access access, Sensitivity sensitivity, String condition) {

	/**
	 * A data access entry without a condition.
	 * @param resource the resource
	 * @param access how the agent accesses it
	 * @param sensitivity how sensitive the data is
	 */
	public DataAccess(String resource, Access access, Sensitivity sensitivity) {
		this(resource, access, sensitivity, null);
	}

	public DataAccess {
		Assert.hasText(resource, "resource cannot be empty");
		Assert.notNull(access, "access cannot be null");
		Assert.notNull(sensitivity, "sensitivity cannot be null");
	}

}
