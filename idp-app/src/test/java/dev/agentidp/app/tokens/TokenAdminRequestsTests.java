package dev.agentidp.app.tokens;

import dev.agentidp.app.RequestBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bodies of the token and signing-key admin calls, on their request records alone
 * (issue 15, item 1): each refusal answered as it was when the controllers read the JSON
 * themselves.
 */
class TokenAdminRequestsTests {

	@ParameterizedTest
	@CsvSource(delimiterString = " || ", quoteCharacter = '`',
			textBlock = """
					{}                                   || Give exactly one of jti, agentId, task
					{"jti": "a", "task": "b"}            || Give exactly one of jti, agentId, task
					{"reason": "why"}                    || Give exactly one of jti, agentId, task
					{"jti": ""}                          || jti must be a non-empty string of at most 128 characters
					{"task": " "}                        || task must be a non-empty string of at most 128 characters
					{"jti": 42}                          || jti must be a non-empty string of at most 128 characters
					{"agentId": ["x"]}                   || agentId must be a non-empty string of at most 128 characters
					{"agentId": "not-a-uuid"}            || agentId must be a UUID
					{"jti": "a", "reason": 1}            || reason must be a string of at most 512 characters without control characters
					{"jti": "a", "reason": "x\\u0007"}   || reason must be a string of at most 512 characters without control characters
					{"jti": "a", "cascade": false}       || Unknown field 'cascade': give exactly one of jti, agentId, task
					[]                                   || The body must be a JSON object with exactly one of jti, agentId, task
					null                                 || The body must be a JSON object with exactly one of jti, agentId, task
					""")
	void aRevocationNamesWhatIsWrong(String body, String detail) {
		assertThat(RequestBodies.refused(body, TokenRevocationRequest.class)).isEqualTo(detail);
	}

	@Test
	void aRevocationHasOneTargetAndAReasonWithinTheAuditTrailsLimit() {
		assertThat(RequestBodies.refused("{\"jti\": \"" + "j".repeat(129) + "\"}", TokenRevocationRequest.class))
			.isEqualTo("jti must be a non-empty string of at most 128 characters");
		assertThat(RequestBodies.refused("{\"jti\": \"a\", \"reason\": \"" + "r".repeat(513) + "\"}",
				TokenRevocationRequest.class))
			.startsWith("reason must be a string of at most 512 characters");
		TokenRevocationRequest byTask = RequestBodies
			.read("{\"task\": \"batch-7\", \"reason\": \"" + "r".repeat(512) + "\"}", TokenRevocationRequest.class);
		assertThat(byTask.target()).isEqualTo("task");
		assertThat(byTask.value()).isEqualTo("batch-7");
		TokenRevocationRequest byAgent = RequestBodies.read("{\"agentId\": \"6f1c0b7e-0000-4000-8000-000000000000\"}",
				TokenRevocationRequest.class);
		assertThat(byAgent.target()).isEqualTo("agentId");
		assertThat(byAgent.reason()).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiterString = " || ", quoteCharacter = '`', textBlock = """
			{"algorithm": "RS256"}               || algorithm: must be EdDSA or ES256
			{"algorithm": "none"}                || algorithm: must be EdDSA or ES256
			{"algorithm": ["ES256"]}             || algorithm: must be EdDSA or ES256
			{"algorithm": "EdDSA", "kid": "mine"} || kid: is not a known field (allowed: algorithm)
			[]                                   || body: must be a JSON object such as {"algorithm": "EdDSA"}
			""")
	void aRotationNamesWhatIsWrong(String body, String detail) {
		assertThat(RequestBodies.refused(body, SigningKeyRotationRequest.class)).isEqualTo(detail);
	}

	@Test
	void aRotationMayNameItsAlgorithm() {
		assertThat(SigningKeyRotationRequest
			.of(RequestBodies.read("{\"algorithm\": \"ES256\"}", SigningKeyRotationRequest.class))).isEqualTo("ES256");
		assertThat(SigningKeyRotationRequest.of(RequestBodies.read("{}", SigningKeyRotationRequest.class))).isNull();
		assertThat(SigningKeyRotationRequest.of(null)).isNull();
	}

}
