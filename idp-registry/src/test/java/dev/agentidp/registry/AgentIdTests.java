package dev.agentidp.registry;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * An agent id reads and writes the text a UUID does.
 */
class AgentIdTests {

	@Test
	void anIdIsItsCanonicalUuidText() {
		UUID uuid = UUID.fromString("6f1c0b7e-4b0e-4c5e-9a53-0b6f5f8d2a11");
		assertThat(AgentId.of(uuid).value()).isEqualTo(uuid);
		assertThat(AgentId.of("6F1C0B7E-4B0E-4C5E-9A53-0B6F5F8D2A11")).isEqualTo(AgentId.of(uuid));
		assertThat(AgentId.of(uuid)).hasToString("6f1c0b7e-4b0e-4c5e-9a53-0b6f5f8d2a11");
		// as UUID.fromString reads it: the short forms too
		assertThat(AgentId.of("1-2-3-4-5")).hasToString("00000001-0002-0003-0004-000000000005");
		assertThat(AgentId.random()).isNotEqualTo(AgentId.random());
		assertThat(AgentId.random().value().version()).isEqualTo(4);
	}

	@Test
	void textThatIsNotAUuidIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> AgentId.of("not-a-uuid"));
		assertThatIllegalArgumentException().isThrownBy(() -> AgentId.of(" 6f1c0b7e-4b0e-4c5e-9a53-0b6f5f8d2a11"));
		assertThatIllegalArgumentException().isThrownBy(() -> AgentId.of(""));
		assertThatIllegalArgumentException().isThrownBy(() -> AgentId.of((String) null));
		assertThatIllegalArgumentException().isThrownBy(() -> AgentId.of((UUID) null));
	}

}
