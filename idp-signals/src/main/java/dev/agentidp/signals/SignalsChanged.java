package dev.agentidp.signals;

import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditableEvent;
import dev.agentidp.audit.Decision;

/**
 * A webhook subscription or an SSF stream was created, changed or deleted; recorded on
 * the {@code _system} chain in the same transaction (never a secret or an authorization
 * header).
 *
 * @param action {@code webhook.subscribed}, {@code webhook.deleted},
 * {@code ssf.stream.created}, {@code ssf.stream.updated}, {@code ssf.stream.deleted} or
 * {@code ssf.stream.status}
 * @param target the subscription's or stream's id
 * @param actor the client
 * @param details what was set (URL, events, status)
 */
public record SignalsChanged(String action, String target, String actor,
		Map<String, Object> details) implements AuditableEvent {

	@Override
	public AuditEntry auditEntry() {
		return new AuditEntry(AuditEntry.SYSTEM_CHAIN, this.actor, this.action, this.target, Decision.ALLOW, null,
				this.details);
	}

}
