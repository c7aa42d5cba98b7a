package dev.agentidp.approvals;

import java.util.Locale;

/** Where an approval request stands. */
public enum ApprovalStatus {

	/** Waiting for a person's decision. */
	PENDING,
	/** Approved: the agent may collect its token once. */
	APPROVED,
	/** Denied. */
	DENIED,
	/** Not decided, or not collected, in time. */
	EXPIRED;

	/**
	 * The status as stored and shown ({@code pending}, ...).
	 * @return the lowercase name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parses a status.
	 * @param value {@code pending}, {@code approved}, {@code denied} or {@code expired}
	 * @return the status
	 * @throws IllegalArgumentException for anything else
	 */
	public static ApprovalStatus of(String value) {
		for (ApprovalStatus status : values()) {
			if (status.value().equals(value)) {
				return status;
			}
		}
		throw new IllegalArgumentException("must be one of pending, approved, denied, expired");
	}

}
