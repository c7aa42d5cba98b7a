package dev.agentidp.signals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Security Events (RFC 8417) an outbox event becomes: CAEP 1.0 and RISC event types,
 * each about one subject identified per SSF 1.0 §3 ({@code opaque} for a token's jti,
 * {@code complex} with the agent as {@code user} for an account).
 */
final class SecurityEvents {

	static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";

	static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

	/** CAEP 1.0 §3.1: a session (here: a token and its derived tree) was revoked. */
	static final String SESSION_REVOKED = CAEP + "session-revoked";

	/** CAEP 1.0 §3.3: a credential was created, revoked, updated or deleted. */
	static final String CREDENTIAL_CHANGE = CAEP + "credential-change";

	/** CAEP 1.0 §3.2: claims of tokens issued to the subject changed. */
	static final String TOKEN_CLAIMS_CHANGE = CAEP + "token-claims-change";

	/** RISC 1.0 §2.2: the account was disabled. */
	static final String ACCOUNT_DISABLED = RISC + "account-disabled";

	/** RISC 1.0 §2.3: the account was enabled. */
	static final String ACCOUNT_ENABLED = RISC + "account-enabled";

	/** SSF 1.0 §8.1.4.1: the verification event. */
	static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

	/** The event types a stream may request. */
	static final List<String> SUPPORTED = List.of(SESSION_REVOKED, CREDENTIAL_CHANGE, TOKEN_CLAIMS_CHANGE,
			ACCOUNT_DISABLED, ACCOUNT_ENABLED);

	private SecurityEvents() {
	}

	/** The events of an outbox event. */
	static List<SecurityEvent> of(Outbox.Event event) {
		long at = event.occurredAt().getEpochSecond();
		List<SecurityEvent> events = new ArrayList<>();
		String agentId = event.text("agentId");
		switch (event.type()) {
			case TOKEN_REVOKED -> {
				for (String jti : event.texts("jtis")) {
					Map<String, Object> body = body(at, event.text("reason"));
					body.put("initiating_entity", "admin");
					events.add(new SecurityEvent(SESSION_REVOKED, opaque(jti), body));
				}
			}
			case AGENT_SUSPENDED, AGENT_RETIRED -> {
				String reason = (event.type() == SignalType.AGENT_RETIRED) ? "retired" : event.text("reason");
				for (String id : withSubAgents(agentId, event.texts("subAgentIds"))) {
					events.add(new SecurityEvent(ACCOUNT_DISABLED, agent(id), body(at, reason)));
				}
			}
			case AGENT_RESUMED ->
				events.add(new SecurityEvent(ACCOUNT_ENABLED, agent(agentId), body(at, event.text("reason"))));
			case KEY_ADDED, KEY_RETIRED -> {
				Map<String, Object> body = body(at, null);
				// CAEP 1.0 §3.3.1: a credential type agreed between the parties; an
				// agent's
				// key is a public JWK
				body.put("credential_type", "jwk");
				body.put("change_type", (event.type() == SignalType.KEY_ADDED) ? "create" : "revoke");
				body.put("friendly_name", event.text("kid"));
				events.add(new SecurityEvent(CREDENTIAL_CHANGE, agent(agentId), body));
			}
			case CAPABILITIES_REMOVED -> {
				for (String id : withSubAgents(agentId, event.texts("subAgentIds"))) {
					Map<String, Object> body = body(at,
							"capabilities removed: " + String.join(" ", event.texts("removedScopes")));
					// CAEP 1.0 §3.2.1: the claims with their new values; the agent's
					// remaining
					// scopes (a sub-agent's are a subset of them)
					body.put("claims", Map.of("scope", String.join(" ", event.texts("scopes"))));
					events.add(new SecurityEvent(TOKEN_CLAIMS_CHANGE, agent(id), body));
				}
			}
			// webhooks only: no CAEP or RISC event says these
			case APPROVAL_REQUESTED, ANOMALY_DETECTED -> {
			}
		}
		return events;
	}

	static SecurityEvent verification(String streamId, String state) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (state != null) {
			body.put("state", state);
		}
		return new SecurityEvent(VERIFICATION, opaque(streamId), body);
	}

	private static Map<String, Object> body(long at, String reason) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("event_timestamp", at);
		if (reason != null) {
			body.put("reason_admin", Map.of("en", reason));
		}
		return body;
	}

	/** SSF 1.0 §3.2.1 and RFC 9493 §3.2.4: an opaque identifier. */
	private static Map<String, Object> opaque(String id) {
		return Map.of("format", "opaque", "id", id);
	}

	/** SSF 1.0 §3.2.2: a complex subject, the agent as its user. */
	private static Map<String, Object> agent(String agentId) {
		return Map.of("format", "complex", "user", opaque(agentId));
	}

	private static List<String> withSubAgents(String agentId, List<String> subAgents) {
		List<String> ids = new ArrayList<>();
		ids.add(agentId);
		ids.addAll(subAgents);
		return ids;
	}

	/**
	 * One security event about one subject.
	 *
	 * @param type the event type URI
	 * @param subject the {@code sub_id}
	 * @param body the event's members
	 */
	record SecurityEvent(String type, Map<String, Object> subject, Map<String, Object> body) {
	}

}
