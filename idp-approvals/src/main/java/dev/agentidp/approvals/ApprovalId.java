package dev.agentidp.approvals;

import java.util.UUID;

import org.springframework.util.Assert;

/**
 * The id of an approval request (not its {@code auth_req_id}, which only the agent
 * holds).
 *
 * @param value the UUID
 */
public record ApprovalId(UUID value) {

	public ApprovalId {
		Assert.notNull(value, "value cannot be null");
	}

	/**
	 * Parses an id.
	 * @param value its text
	 * @return the id
	 * @throws IllegalArgumentException when it is not a UUID
	 */
	public static ApprovalId of(String value) {
		return new ApprovalId(UUID.fromString(value));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
