package dev.agentidp.registry;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The aggregate guards every transition and invariant.
 */
class AgentTests {

	private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

	private final AgentProfile profile = TestAgents.profile("agent-1", "owner@example.com", RiskLevel.LOW,
			RiskLevel.HIGH);

	private Agent agent() {
		return Agent.register(AgentId.random(), null, this.profile, key(T0), T0);
	}

	private static AgentKey key(Instant now) {
		com.nimbusds.jose.jwk.JWK jwk = PublicKeys.generateEd25519().publicJwk();
		return new AgentKey(jwk.getKeyID(), jwk, KeyStatus.ACTIVE, now, null);
	}

	@Test
	void registeredAgentIsActiveAtVersionOne() {
		Agent agent = agent();
		assertThat(agent.status()).isEqualTo(AgentStatus.ACTIVE);
		assertThat(agent.version()).isEqualTo(1);
		assertThat(agent.createdAt()).isEqualTo(T0);
		assertThat(agent.updatedAt()).isEqualTo(T0);
		assertThat(agent.keys()).hasSize(1);
		assertThat(agent.isDerived()).isFalse();
	}

	@Test
	void riskLevelIsTheHighestCapabilityRisk() {
		assertThat(agent().riskLevel()).isEqualTo(RiskLevel.HIGH);
		assertThat(TestAgents.profile("a", "o@example.com", RiskLevel.CRITICAL, RiskLevel.LOW).riskLevel())
			.isEqualTo(RiskLevel.CRITICAL);
		assertThat(TestAgents.profile("a", "o@example.com", RiskLevel.LOW).riskLevel()).isEqualTo(RiskLevel.LOW);
	}

	@Test
	void ownerIsKeptInLowerCase() {
		assertThat(TestAgents.profile("a", "Owner@Example.COM", RiskLevel.LOW).owner()).isEqualTo("owner@example.com");
	}

	@Test
	void aProfileNeedsANameAnOwnerAndACapabilityButNotTodaysInputRules() {
		// the syntax of names, owners and scopes is checked where a profile is written
		// (AgentRegistryTests.rejectedRegistrationChangesNothing), not by the value
		// types: a stored profile stays readable when a rule gets stricter
		assertThatIllegalArgumentException().isThrownBy(() -> TestAgents.profile("", "o@example.com", RiskLevel.LOW));
		assertThatIllegalArgumentException().isThrownBy(() -> TestAgents.profile("a", " ", RiskLevel.LOW));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TestAgents.profile("a", "o@example.com", new RiskLevel[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> new Capability("", null, RiskLevel.LOW));
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenPolicy(901, 900, 3));
		assertThat(TestAgents.profile("bad name", "not an email", RiskLevel.LOW).name()).isEqualTo("bad name");
		assertThat(new Capability("a b", null, RiskLevel.LOW).scope()).isEqualTo("a b");
		assertThat(new TokenPolicy(900, 100_000, 40, 20_000).maxTtlSeconds()).isEqualTo(100_000);
	}

	@Test
	void rootAgentNeedsAKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Agent.register(AgentId.random(), null, this.profile, null, T0));
	}

	@Test
	void subAgentMayStartWithoutAKey() {
		Agent sub = Agent.register(AgentId.random(), AgentId.random(), this.profile, null, T0);
		assertThat(sub.keys()).isEmpty();
		assertThat(sub.isDerived()).isTrue();
	}

	@Test
	void suspendResumeAndRetireEachMakeANewVersion() {
		Agent agent = agent();
		agent.suspend(T0.plusSeconds(1));
		assertThat(agent.status()).isEqualTo(AgentStatus.SUSPENDED);
		assertThat(agent.version()).isEqualTo(2);
		agent.resume(T0.plusSeconds(2));
		assertThat(agent.status()).isEqualTo(AgentStatus.ACTIVE);
		assertThat(agent.version()).isEqualTo(3);
		agent.retire(T0.plusSeconds(3));
		assertThat(agent.status()).isEqualTo(AgentStatus.RETIRED);
		assertThat(agent.version()).isEqualTo(4);
		assertThat(agent.updatedAt()).isEqualTo(T0.plusSeconds(3));
	}

	@Test
	void suspendingASuspendedAgentIsRefused() {
		Agent agent = agent();
		agent.suspend(T0);
		assertThatIllegalStateException().isThrownBy(() -> agent.suspend(T0))
			.isInstanceOf(IllegalAgentStateException.class);
		assertThat(agent.version()).isEqualTo(2);
	}

	@Test
	void resumingAnActiveAgentIsRefused() {
		Agent agent = agent();
		assertThatIllegalStateException().isThrownBy(() -> agent.resume(T0));
		assertThat(agent.version()).isEqualTo(1);
	}

	@Test
	void suspendedAgentCanBeRetired() {
		Agent agent = agent();
		agent.suspend(T0);
		agent.retire(T0);
		assertThat(agent.status()).isEqualTo(AgentStatus.RETIRED);
	}

	@Test
	void retirementIsFinal() {
		Agent agent = agent();
		agent.retire(T0);
		assertThatIllegalStateException().isThrownBy(() -> agent.resume(T0)).withMessageContaining("final");
		assertThatIllegalStateException().isThrownBy(() -> agent.suspend(T0));
		assertThatIllegalStateException().isThrownBy(() -> agent.retire(T0));
		assertThatIllegalStateException()
			.isThrownBy(() -> agent.update(TestAgents.profile("agent-1", "x@example.com", RiskLevel.LOW), T0));
		assertThatIllegalStateException().isThrownBy(() -> agent.addKey(key(T0), T0));
		assertThatIllegalStateException()
			.isThrownBy(() -> agent.retireKey(agent.keys().get(0).kid(), Duration.ZERO, T0));
		assertThat(agent.version()).isEqualTo(2);
	}

	@Test
	void updateMakesANewVersionOnlyWhenSomethingChanged() {
		Agent agent = agent();
		assertThat(agent.update(this.profile, T0.plusSeconds(1))).isFalse();
		assertThat(agent.version()).isEqualTo(1);
		AgentProfile changed = this.profile.withOwner("new-owner@example.com");
		assertThat(agent.update(changed, T0.plusSeconds(2))).isTrue();
		assertThat(agent.version()).isEqualTo(2);
		assertThat(agent.owner()).isEqualTo("new-owner@example.com");
	}

	@Test
	void suspendedAgentCanBeUpdated() {
		Agent agent = agent();
		agent.suspend(T0);
		assertThat(agent.update(this.profile.withOwner("b@example.com"), T0)).isTrue();
	}

	@Test
	void addingTheSameKeyTwiceIsRefused() {
		Agent agent = agent();
		AgentKey again = agent.keys().get(0);
		assertThatIllegalStateException().isThrownBy(() -> agent.addKey(again, T0)).withMessageContaining("already");
	}

	@Test
	void lastActiveKeyCannotBeRetired() {
		Agent agent = agent();
		String kid = agent.keys().get(0).kid();
		assertThatIllegalStateException().isThrownBy(() -> agent.retireKey(kid, Duration.ZERO, T0))
			.withMessageContaining("last active key");
		assertThatIllegalStateException().isThrownBy(() -> agent.retireKey(kid, Duration.ofHours(1), T0));
		assertThat(agent.keys().get(0).status()).isEqualTo(KeyStatus.ACTIVE);
		assertThat(agent.version()).isEqualTo(1);
	}

	@Test
	void rotationWithGraceKeepsTheOldKeyUsableUntilItsExpiry() {
		Agent agent = agent();
		String old = agent.keys().get(0).kid();
		agent.addKey(key(T0), T0.plusSeconds(1));
		AgentKey retiring = agent.retireKey(old, Duration.ofSeconds(60), T0.plusSeconds(2));
		assertThat(retiring.status()).isEqualTo(KeyStatus.RETIRING);
		assertThat(retiring.expiresAt()).isEqualTo(T0.plusSeconds(62));
		assertThat(retiring.usableAt(T0.plusSeconds(61))).isTrue();
		assertThat(retiring.statusAt(T0.plusSeconds(62))).isEqualTo(KeyStatus.REVOKED);
		assertThat(retiring.usableAt(T0.plusSeconds(62))).isFalse();
		assertThat(agent.usableKeys(T0.plusSeconds(10))).hasSize(2);
		assertThat(agent.usableKeys(T0.plusSeconds(100))).hasSize(1);
		assertThat(agent.version()).isEqualTo(3);
	}

	@Test
	void retiringWithoutGraceRevokesAtOnce() {
		Agent agent = agent();
		String old = agent.keys().get(0).kid();
		agent.addKey(key(T0), T0);
		AgentKey revoked = agent.retireKey(old, Duration.ZERO, T0.plusSeconds(5));
		assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
		assertThat(revoked.usableAt(T0.plusSeconds(5))).isFalse();
	}

	@Test
	void retiringKeyCanBeRevokedEarlyButNotExtended() {
		Agent agent = agent();
		String old = agent.keys().get(0).kid();
		agent.addKey(key(T0), T0);
		agent.retireKey(old, Duration.ofSeconds(60), T0);
		assertThat(agent.retireKey(old, Duration.ofSeconds(600), T0.plusSeconds(1)).expiresAt())
			.isEqualTo(T0.plusSeconds(60));
		assertThat(agent.retireKey(old, Duration.ZERO, T0.plusSeconds(2)).status()).isEqualTo(KeyStatus.REVOKED);
		assertThatIllegalStateException().isThrownBy(() -> agent.retireKey(old, Duration.ZERO, T0.plusSeconds(3)))
			.withMessageContaining("already revoked");
	}

	@Test
	void retiringAnUnknownKeyIsNotFound() {
		Agent agent = agent();
		assertThatExceptionOfType(AgentNotFoundException.class)
			.isThrownBy(() -> agent.retireKey("nope", Duration.ZERO, T0));
	}

	@Test
	void keysListIsAReadOnlyCopy() {
		Agent agent = agent();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> agent.keys().clear());
	}

}
