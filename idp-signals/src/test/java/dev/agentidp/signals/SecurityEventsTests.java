package dev.agentidp.signals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each signalled event becomes as CAEP and RISC security events, and about which
 * subject (SSF 1.0 §3).
 */
class SecurityEventsTests {

	private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

	@Test
	void ofWhenTokensRevokedThenOneSessionRevokedPerJtiWithTheJtiAsOpaqueSubject() {
		List<SecurityEvents.SecurityEvent> events = SecurityEvents.of(event(SignalType.TOKEN_REVOKED,
				Map.of("agentId", "a-1", "jtis", List.of("j-1", "j-2"), "reason", "leak")));
		assertThat(events).extracting(SecurityEvents.SecurityEvent::type)
			.containsOnly(SecurityEvents.SESSION_REVOKED)
			.hasSize(2);
		assertThat(events.get(1).subject()).isEqualTo(Map.of("format", "opaque", "id", "j-2"));
		assertThat(events.get(0).body()).containsEntry("event_timestamp", AT.getEpochSecond())
			.containsEntry("reason_admin", Map.of("en", "leak"));
	}

	@Test
	void ofWhenSuspendedThenAccountDisabledForTheAgentAndEachSubAgent() {
		List<SecurityEvents.SecurityEvent> events = SecurityEvents
			.of(event(SignalType.AGENT_SUSPENDED, Map.of("agentId", "a-1", "subAgentIds", List.of("s-1"))));
		assertThat(events).extracting(SecurityEvents.SecurityEvent::type).containsOnly(SecurityEvents.ACCOUNT_DISABLED);
		assertThat(events).extracting(SecurityEvents.SecurityEvent::subject)
			.containsExactly(agent("a-1"), agent("s-1"));
	}

	@Test
	void ofWhenRetiredThenAccountDisabledWithTheReasonRetired() {
		SecurityEvents.SecurityEvent event = SecurityEvents
			.of(event(SignalType.AGENT_RETIRED, Map.of("agentId", "a-1", "subAgentIds", List.of())))
			.get(0);
		assertThat(event.type()).isEqualTo(SecurityEvents.ACCOUNT_DISABLED);
		assertThat(event.body()).containsEntry("reason_admin", Map.of("en", "retired"));
	}

	@Test
	void ofWhenResumedThenAccountEnabled() {
		assertThat(SecurityEvents.of(event(SignalType.AGENT_RESUMED, Map.of("agentId", "a-1")))).singleElement()
			.satisfies((event) -> {
				assertThat(event.type()).isEqualTo(SecurityEvents.ACCOUNT_ENABLED);
				assertThat(event.subject()).isEqualTo(agent("a-1"));
			});
	}

	@Test
	void ofWhenKeysChangeThenCredentialChangeCreateOrRevoke() {
		SecurityEvents.SecurityEvent added = SecurityEvents
			.of(event(SignalType.KEY_ADDED, Map.of("agentId", "a-1", "kid", "k-1")))
			.get(0);
		assertThat(added.type()).isEqualTo(SecurityEvents.CREDENTIAL_CHANGE);
		assertThat(added.body()).containsEntry("credential_type", "jwk")
			.containsEntry("change_type", "create")
			.containsEntry("friendly_name", "k-1");
		SecurityEvents.SecurityEvent retired = SecurityEvents
			.of(event(SignalType.KEY_RETIRED, Map.of("agentId", "a-1", "kid", "k-1")))
			.get(0);
		assertThat(retired.body()).containsEntry("change_type", "revoke");
	}

	@Test
	void ofWhenCapabilitiesRemovedThenTokenClaimsChangeWithTheRemainingScopes() {
		List<SecurityEvents.SecurityEvent> events = SecurityEvents
			.of(event(SignalType.CAPABILITIES_REMOVED, Map.of("agentId", "a-1", "subAgentIds", List.of("s-1"),
					"removedScopes", List.of("repo:write"), "scopes", List.of("repo:read", "repo:list"))));
		assertThat(events).extracting(SecurityEvents.SecurityEvent::type)
			.containsOnly(SecurityEvents.TOKEN_CLAIMS_CHANGE)
			.hasSize(2);
		assertThat(events.get(0).body()).containsEntry("claims", Map.of("scope", "repo:read repo:list"))
			.containsEntry("reason_admin", Map.of("en", "capabilities removed: repo:write"));
	}

	@Test
	void supportedWhenListedThenEveryEventTypeMade() {
		assertThat(SecurityEvents.SUPPORTED).containsExactlyInAnyOrder(SecurityEvents.SESSION_REVOKED,
				SecurityEvents.CREDENTIAL_CHANGE, SecurityEvents.TOKEN_CLAIMS_CHANGE, SecurityEvents.ACCOUNT_DISABLED,
				SecurityEvents.ACCOUNT_ENABLED);
	}

	private static Outbox.Event event(SignalType type, Map<String, Object> data) {
		return new Outbox.Event(UUID.randomUUID(), type, AT, new LinkedHashMap<>(data));
	}

	private static Map<String, Object> agent(String id) {
		return Map.of("format", "complex", "user", Map.of("format", "opaque", "id", id));
	}

}
