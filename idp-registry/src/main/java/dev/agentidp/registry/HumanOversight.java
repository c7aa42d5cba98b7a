package dev.agentidp.registry;

import java.util.List;

/**
 * Which actions need a human's approval, and who may approve.
 *
 * @param requiredFor the action scopes that need approval
 * @param approvers the approver roles
 */
public record HumanOversight(List<String> requiredFor, List<String> approvers) {

	/** No oversight declared. */
	public static final HumanOversight NONE = new HumanOversight(List.of(), List.of());

	public HumanOversight {
		requiredFor = (requiredFor != null) ? List.copyOf(requiredFor) : List.of();
		approvers = (approvers != null) ? List.copyOf(approvers) : List.of();
	}

}
