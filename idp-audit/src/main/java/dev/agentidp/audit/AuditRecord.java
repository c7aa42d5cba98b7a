package dev.agentidp.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * A record of the audit trail as stored, read and exported (docs/audit.md "Contract").
 *
 * @param chain the agent id or {@link AuditEntry#SYSTEM_CHAIN}
 * @param seq the sequence number in the chain, from 1, gap-free
 * @param occurredAt when it happened (millisecond precision)
 * @param actor who acted, or {@code null}
 * @param action what happened
 * @param target what it happened to, or {@code null}
 * @param decision allow or deny
 * @param reason why, or {@code null}
 * @param details further facts
 * @param prevHash the previous record's hash (64 zeros for the first)
 * @param hash this record's hash
 */
public record AuditRecord(String chain, long seq, Instant occurredAt, String actor, String action, String target,
		Decision decision, String reason, Map<String, Object> details, String prevHash, String hash) {

	public AuditRecord {
		Assert.hasText(chain, "chain cannot be empty");
		Assert.notNull(occurredAt, "occurredAt cannot be null");
		Assert.notNull(decision, "decision cannot be null");
		details = (details != null) ? details : Map.of();
	}

	/**
	 * {@link #occurredAt()} as the API writes it: RFC 3339 UTC with milliseconds, e.g.
	 * {@code 2026-11-28T10:00:00.123Z}.
	 * @return the formatted time
	 */
	public String occurredAtText() {
		return RecordHashing.formatTime(this.occurredAt);
	}

	/**
	 * The record as the API returns it and the export writes it: the nine hashed fields
	 * plus {@code prevHash} and {@code hash}, in the order of docs/audit.md "Contract".
	 * @return a JSON-ready map ({@code occurredAt} formatted, {@code decision} as its
	 * value)
	 */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("chain", this.chain);
		json.put("seq", this.seq);
		json.put("occurredAt", occurredAtText());
		json.put("actor", this.actor);
		json.put("action", this.action);
		json.put("target", this.target);
		json.put("decision", this.decision.value());
		json.put("reason", this.reason);
		json.put("details", this.details);
		json.put("prevHash", this.prevHash);
		json.put("hash", this.hash);
		return json;
	}

}
