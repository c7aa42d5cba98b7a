package dev.agentidp.console;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentStatus;
import dev.agentidp.registry.AgentVersion;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.RiskLevel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link VersionDiff}: two versions of an identity document, field by field.
 */
class VersionDiffTests {

	private static final AgentId ID = AgentId.of(UUID.randomUUID());

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	@Test
	void betweenWhenTheDocumentsAgreeThenNoChange() {
		AgentVersion one = version(1, AgentStatus.ACTIVE, "support", capability("crm:read", RiskLevel.LOW));
		assertThat(VersionDiff.between(one, one)).isEmpty();
	}

	@Test
	void betweenWhenAFieldChangesThenChangedWithBothValues() {
		AgentVersion one = version(1, AgentStatus.ACTIVE, "support", capability("crm:read", RiskLevel.LOW));
		AgentVersion two = version(2, AgentStatus.SUSPENDED, "sales", capability("crm:read", RiskLevel.HIGH));
		assertThat(VersionDiff.between(one, two)).containsExactly(
				new VersionDiff.Change("status", "changed", "active", "suspended"),
				new VersionDiff.Change("team", "changed", "support", "sales"),
				new VersionDiff.Change("capabilities[crm:read]", "changed", "risk low", "risk high"));
	}

	@Test
	void betweenWhenACapabilityIsRemovedThenOneChangeNotAShiftOfTheOthers() {
		AgentVersion one = version(1, AgentStatus.ACTIVE, null, capability("a:read", RiskLevel.LOW),
				capability("b:read", RiskLevel.LOW), capability("c:read", RiskLevel.LOW));
		AgentVersion two = version(2, AgentStatus.ACTIVE, "ops", capability("a:read", RiskLevel.LOW),
				capability("c:read", RiskLevel.LOW));
		assertThat(VersionDiff.between(one, two)).containsExactly(
				new VersionDiff.Change("capabilities[b:read]", "removed", "risk low", null),
				new VersionDiff.Change("team", "added", null, "ops"));
	}

	private static Capability capability(String scope, RiskLevel risk) {
		return new Capability(scope, null, risk);
	}

	private static AgentVersion version(long version, AgentStatus status, String team, Capability... capabilities) {
		AgentProfile profile = new AgentProfile("bot", "owner@example.com", team, null, null, null, null,
				List.of(capabilities), null, null, null, null, null);
		return new AgentVersion(ID, null, version, status, profile, List.of(), NOW, NOW);
	}

}
