package dev.agentidp.app;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.agentidp.audit.AuditRecord;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.Refusals;
import dev.agentidp.policy.PolicyDecisionPoint;

/**
 * The {@code reason} tag of {@code idp_decisions_total}: a denial's audited reason (free
 * text, with client input in it) reduced to one of a small, fixed set of words, safe as a
 * metric tag, so that an operator can tell replays from expired assertions, bad
 * signatures, suspended agents and scope errors at a glance. The first rule that matches
 * wins; the audit trail keeps the full reason.
 */
final class DenialReasons {

	/** Every value the tag can take. */
	static final List<String> VALUES = List.of("none", "replay", "expired", "not_yet_valid", "lifetime",
			"bad_signature", "too_many_failures", "suspended", "retired", "audience", "issuer", "scope",
			"unknown_client", "unauthorized_client", "unsupported_grant_type", "missing_token", "invalid_token",
			"malformed", "aggregated", "other", "token_inactive", "subject_mismatch", "proof_invalid", "not_declared",
			"scope_missing", "audience_mismatch", "condition_false", "budget_exhausted", "budget_reserved",
			"approval_required", "anomaly");

	/** Text of the audited reason → tag (checked in this order). */
	private static final List<Map.Entry<String, String>> BY_TEXT = List.of(
			Map.entry(Refusals.SUMMARY_REASON, "aggregated"), Map.entry("replayed", "replay"),
			Map.entry("too many failed", "too_many_failures"), Map.entry("has expired", "expired"),
			Map.entry("not yet valid", "not_yet_valid"), Map.entry("issued in the future", "not_yet_valid"),
			Map.entry("expires more than", "lifetime"), Map.entry("must be within the last", "lifetime"),
			Map.entry("could not be verified", "bad_signature"), Map.entry("signed with a key", "bad_signature"),
			Map.entry("agent is suspended", "suspended"), Map.entry("agent is retired", "retired"),
			Map.entry("aud must", "audience"), Map.entry("iss and sub", "issuer"),
			Map.entry("insufficient scope", "scope"), Map.entry("missing bearer token", "missing_token"),
			Map.entry("invalid bearer token", "invalid_token"));

	/** RFC 6749 / 8707 error code → tag, when no text rule matched. */
	private static final Map<String, String> BY_ERROR = Map.of("invalid_scope", "scope", "invalid_target", "audience",
			"invalid_client", "unknown_client", "unauthorized_client", "unauthorized_client", "unsupported_grant_type",
			"unsupported_grant_type", "invalid_request", "malformed", "invalid_grant", "invalid_token");

	private DenialReasons() {
	}

	static String of(AuditRecord record) {
		if (record.decision() != Decision.DENY) {
			return "none";
		}
		// the policy decision point's denials carry their rule's code (docs/policy.md),
		// one of a fixed set
		if (PolicyDecisionPoint.EVALUATED.equals(record.action()) && record.details().get("code") instanceof String code
				&& VALUES.contains(code)) {
			return code;
		}
		String reason = (record.reason() != null) ? record.reason().toLowerCase(Locale.ROOT) : "";
		for (Map.Entry<String, String> rule : BY_TEXT) {
			if (reason.contains(rule.getKey())) {
				return rule.getValue();
			}
		}
		Object error = record.details().get("error");
		String byError = (error instanceof String code) ? BY_ERROR.get(code) : null;
		return (byError != null) ? byError : "other";
	}

}
