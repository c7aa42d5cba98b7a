package dev.agentidp.audit;

import java.time.Duration;

/**
 * A verify or export was refused because another is running on this node (issue 14, item
 * 13): each holds a pooled connection for a full scan of the trail, so they run one at a
 * time. The admin API answers {@code 429 Too Many Requests} with {@code Retry-After}.
 */
public final class AuditBusyException extends RuntimeException {

	private final Duration retryAfter;

	AuditBusyException(Duration retryAfter) {
		super("Another audit verify or export is running on this node; retry in " + retryAfter.toSeconds() + " s");
		this.retryAfter = retryAfter;
	}

	/**
	 * How long to wait before retrying: about as long as the last scan took.
	 * @return at least one second
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
