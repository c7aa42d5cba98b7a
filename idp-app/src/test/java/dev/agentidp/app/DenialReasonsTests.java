package dev.agentidp.app;

import java.time.Instant;
import java.util.Map;

import dev.agentidp.audit.AuditRecord;
import dev.agentidp.audit.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Each audited denial reason maps to its tag, and every tag is one of the fixed set. */
class DenialReasonsTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					invalid_client: Client assertion rejected: the assertion was already used (replayed jti) | invalid_client | replay
					invalid_client: Client assertion rejected: the assertion has expired                     | invalid_client | expired
					invalid_client: Client assertion rejected: the assertion expires more than 60 minutes ahead (exp) | invalid_client | lifetime
					invalid_client: the client assertion could not be verified: Signed JWT rejected          | invalid_client | bad_signature
					invalid_client: too many failed authentications                                        | invalid_client | too_many_failures
					invalid_client: the agent is suspended                                                 | invalid_client | suspended
					invalid_client: Client authentication failed: client_id                                | invalid_client | unknown_client
					invalid_scope: crm:write is not among the agent's capabilities                         | invalid_scope  | scope
					invalid_target: not a declared resource                                                | invalid_target | audience
					insufficient scope                                                                     | -              | scope
					missing bearer token                                                                   | -              | missing_token
					refusals aggregated: 12 from 127.0.0.1                                                 | -              | aggregated
					something new                                                                          | server_error   | other
					""")
	void ofWhenDenialThenItsReasonTag(String reason, String error, String tag) {
		Map<String, Object> details = "-".equals(error) ? Map.of() : Map.of("error", error);
		AuditRecord record = new AuditRecord("_system", 1, Instant.now(), "client", "token.denied", "client",
				Decision.DENY, reason, details, "0".repeat(64), "1".repeat(64));
		assertThat(DenialReasons.of(record)).isEqualTo(tag).isIn(DenialReasons.VALUES);
	}

	@Test
	void ofWhenThePolicyDecisionPointDeniesThenTheRulesCode() {
		AuditRecord record = new AuditRecord("6f1c", 1, Instant.now(), "rs", "access.evaluated", "github",
				Decision.DENY, "scope_missing: the token lacks scope github:create_pr", Map.of("code", "scope_missing"),
				"0".repeat(64), "1".repeat(64));
		assertThat(DenialReasons.of(record)).isEqualTo("scope_missing").isIn(DenialReasons.VALUES);
		AuditRecord forged = new AuditRecord("6f1c", 1, Instant.now(), "rs", "access.evaluated", "github",
				Decision.DENY, "something", Map.of("code", "free text of a client"), "0".repeat(64), "1".repeat(64));
		assertThat(DenialReasons.of(forged)).isEqualTo("other");
	}

}
