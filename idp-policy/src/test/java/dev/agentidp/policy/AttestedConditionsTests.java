package dev.agentidp.policy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A condition reads the claims a client attestation matched, as the token carries them
 * ({@code token.attested}, docs/workload-identity.md "Attestation"): the token's claims
 * reach CEL whole, so nothing else is needed.
 */
class AttestedConditionsTests {

	private final Conditions conditions = new Conditions();

	private static final String MODEL = "has(token.attested) && token.attested.model == 'gpt-5-mini'";

	@Test
	void evaluateWhenTheTokenWasAttestedWithThePinnedModelThenTrue() {
		Map<String, Object> token = Map.of("sub", "agent", "attested",
				Map.of("model", "gpt-5-mini", "image_digest", "sha256:" + "a".repeat(64)));
		assertThat(this.conditions.evaluate(this.conditions.compile(MODEL),
				new ConditionInput(Instant.now(), null, null, null, token, null)))
			.isTrue();
	}

	@Test
	void evaluateWhenTheTokenWasNotAttestedThenFalse() {
		assertThat(this.conditions.evaluate(this.conditions.compile(MODEL),
				new ConditionInput(Instant.now(), null, null, null, Map.of("sub", "agent"), null)))
			.isFalse();
		assertThat(this.conditions.evaluate(this.conditions.compile(MODEL), new ConditionInput(Instant.now(), null,
				null, null, Map.of("attested", Map.of("model", "another")), null)))
			.isFalse();
	}

}
