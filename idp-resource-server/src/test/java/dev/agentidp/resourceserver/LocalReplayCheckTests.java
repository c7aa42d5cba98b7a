package dev.agentidp.resourceserver;

import java.time.Clock;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default replay check: a proof id once per key while it is kept, and, when full, a
 * refusal rather than an early forgetting.
 */
class LocalReplayCheckTests {

	@Test
	void anIdIsAcceptedOncePerKey() {
		LocalReplayCheck check = new LocalReplayCheck(1000, Clock.systemUTC());
		Instant later = Instant.now().plusSeconds(120);
		assertThat(check.firstUse("jkt-1", "jti-1", later)).isTrue();
		assertThat(check.firstUse("jkt-1", "jti-1", later)).isFalse();
		assertThat(check.firstUse("jkt-2", "jti-1", later)).isTrue();
	}

	@Test
	void whenFullANewProofIsRefusedAndNoIdIsForgotten() {
		LocalReplayCheck check = new LocalReplayCheck(1000, Clock.systemUTC());
		Instant later = Instant.now().plusSeconds(120);
		for (int i = 0; i < 1000; i++) {
			assertThat(check.firstUse("jkt", "jti-" + i, later)).isTrue();
		}
		assertThat(check.firstUse("jkt", "jti-new", later)).isFalse();
		assertThat(check.firstUse("jkt", "jti-0", later)).isFalse();
	}

}
