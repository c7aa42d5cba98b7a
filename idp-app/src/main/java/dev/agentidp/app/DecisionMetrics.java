package dev.agentidp.app;

import dev.agentidp.audit.AuditObserver;
import dev.agentidp.audit.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts every committed decision for {@code /actuator/prometheus}:
 * {@code idp_decisions_total{action, decision, error, reason}} — tokens issued, exchanged
 * and revoked, denials by RFC 6749 error code and by reason ({@link DenialReasons}:
 * replay, expired, bad signature, suspended, scope, ...), registry changes, admin
 * denials. Fed by the audit trail, so a decision is counted exactly when its record is
 * committed. Request rates and latencies per endpoint come from Spring's
 * {@code http_server_requests}.
 */
@Component
class DecisionMetrics implements AuditObserver {

	private static final int MAX_TAG_LENGTH = 32;

	private final MeterRegistry registry;

	DecisionMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void recorded(AuditRecord record) {
		Counter.builder("idp.decisions")
			.description("Decisions recorded in the audit trail")
			.tag("action", record.action())
			.tag("decision", record.decision().value())
			.tag("error", error(record))
			.tag("reason", DenialReasons.of(record))
			.register(this.registry)
			.increment();
	}

	/** The RFC 6749 error code of a denial: a small, fixed set, safe as a tag. */
	private static String error(AuditRecord record) {
		if (record.details().get("error") instanceof String error && error.length() <= MAX_TAG_LENGTH
				&& error.chars().allMatch((c) -> c == '_' || (c >= 'a' && c <= 'z'))) {
			return error;
		}
		return "none";
	}

}
