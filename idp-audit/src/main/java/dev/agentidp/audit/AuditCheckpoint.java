package dev.agentidp.audit;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A signed checkpoint: a JWS over the head ({@code seq} and {@code hash}) of every chain,
 * so that even a rewrite or deletion of whole chains is detectable (docs/audit.md
 * "Contract").
 *
 * @param checkpoint the compact JWS; payload {@code {"iss", "iat", "heads": {"<chain>":
 * {"seq": N, "hash": "…"}}}}
 * @param createdAt when it was made
 * @param chains how many heads it covers
 */
public record AuditCheckpoint(String checkpoint, Instant createdAt, int chains) {

	public AuditCheckpoint {
		Assert.hasText(checkpoint, "checkpoint cannot be empty");
		Assert.notNull(createdAt, "createdAt cannot be null");
	}

	/**
	 * {@link #createdAt()} as RFC 3339 UTC with milliseconds.
	 * @return the formatted time
	 */
	public String createdAtText() {
		return RecordHashing.formatTime(this.createdAt);
	}

}
