package dev.agentidp.tokens;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A jti has 1 to 64 characters, the token store's column.
 */
class JtiTests {

	@Test
	void aJtiHasOneToSixtyFourCharacters() {
		assertThat(Jti.of("j")).hasToString("j");
		assertThat(Jti.of("j".repeat(64)).value()).hasSize(64);
		assertThatIllegalArgumentException().isThrownBy(() -> Jti.of("j".repeat(65)));
		assertThatIllegalArgumentException().isThrownBy(() -> Jti.of(""));
		assertThatIllegalArgumentException().isThrownBy(() -> Jti.of(null));
	}

	@Test
	void textThatCannotBeAJtiParsesToNone() {
		assertThat(Jti.parse("jti-1")).contains(Jti.of("jti-1"));
		assertThat(Jti.parse("j".repeat(64))).isPresent();
		assertThat(Jti.parse("j".repeat(65))).isEmpty();
		assertThat(Jti.parse("")).isEmpty();
		assertThat(Jti.parse(null)).isEmpty();
	}

	@Test
	void aNewJtiIsARandomUuid() {
		Jti jti = Jti.random();
		assertThat(java.util.UUID.fromString(jti.value())).hasToString(jti.value());
		assertThat(Jti.random()).isNotEqualTo(jti);
	}

}
