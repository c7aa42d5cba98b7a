package dev.agentidp.anomalies;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.audit.AuditRecord;
import dev.agentidp.audit.Decision;
import dev.agentidp.registry.AnomalyPolicy;
import dev.agentidp.registry.AnomalyReaction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules' arithmetic and thresholds, and the in-memory counts, with a fixed clock.
 */
class AnomalyRulesTests {

	private static final Instant NOW = Instant.parse("2026-12-01T10:17:30Z");

	@Test
	void aboveWhenAtLeastTheMinimumAndMoreThanKTimesTheBaselineThenFires() {
		// a baseline of 10 per window, k = 4: 41 fires, 40 does not
		assertThat(Baseline.above(41, 10, 4, 20)).isTrue();
		assertThat(Baseline.above(40, 10, 4, 20)).isFalse();
		// without history the minimum decides
		assertThat(Baseline.above(19, 0, 4, 20)).isFalse();
		assertThat(Baseline.above(20, 0, 4, 20)).isTrue();
	}

	@Test
	void perWindowWhenThePeriodIsShorterThanOneWindowThenZero() {
		Instant hour = Instant.parse("2026-12-01T10:00:00Z");
		assertThat(new Baseline(5, 0, hour, hour).perWindow()).isZero();
		// 7 days of 5-minute windows: 2,016; 4,032 calls are 2 per window
		assertThat(new Baseline(4032, 2016, hour.minus(Duration.ofDays(7)), hour).perWindow()).isEqualTo(2.0);
	}

	@Test
	void thresholdsWhenTheAgentSetsSomeThenTheirsElseTheConfiguration() {
		AnomalyPolicy own = new AnomalyPolicy(0, 8, null, 50, null, 3, Map.of("rate", AnomalyReaction.SUSPEND));
		Thresholds thresholds = Thresholds.of(AnomaliesProperties.DEFAULTS, own);
		assertThat(thresholds.learningPeriod()).isEqualTo(Duration.ZERO);
		assertThat(thresholds.rateFactor()).isEqualTo(8);
		assertThat(thresholds.minimumCalls()).isEqualTo(20);
		assertThat(thresholds.denialPercent()).isEqualTo(50);
		assertThat(thresholds.subAgentFactor()).isEqualTo(4);
		assertThat(thresholds.failedAuthentications()).isEqualTo(3);
		assertThat(thresholds.reaction(AnomalyRule.RATE)).isEqualTo(AnomalyReaction.SUSPEND);
		assertThat(thresholds.reaction(AnomalyRule.NEW_RESOURCE)).isEqualTo(AnomalyReaction.FLAG);
		assertThat(thresholds.reaction(AnomalyRule.FAILED_AUTHENTICATION)).isEqualTo(AnomalyReaction.FLAG);
		Thresholds none = Thresholds.of(AnomaliesProperties.DEFAULTS, AnomalyPolicy.NONE);
		assertThat(none.learningPeriod()).isEqualTo(Duration.ofHours(48));
		assertThat(none.reaction(AnomalyRule.RATE)).isEqualTo(AnomalyReaction.STEP_UP);
	}

	@Test
	void recordedWhenTokensExchangesAndSubAgentsThenCountedPerHourAndTheParentsMinute() {
		AnomalyCounts counts = new AnomalyCounts(Clock.fixed(NOW, ZoneOffset.UTC));
		String parent = UUID.randomUUID().toString();
		String child = UUID.randomUUID().toString();
		counts.recorded(record(parent, parent, "token.issued", Map.of()));
		counts.recorded(record(parent, parent, "token.exchanged", Map.of()));
		// the sub-agent's copy of the exchange is not the parent's exchange
		counts.recorded(record(child, parent, "token.exchanged", Map.of()));
		counts.recorded(record(child, parent, "agent.registered", Map.of("parentId", parent)));
		// a root agent's registration derives nothing
		counts.recorded(record(parent, "admin", "agent.registered", Map.of()));
		AnomalyCounts.Batch batch = counts.drain();
		Instant hour = Instant.parse("2026-12-01T10:00:00Z");
		UUID id = UUID.fromString(parent);
		assertThat(batch.hours).containsOnlyKeys(new AnomalyCounts.HourKey(id, hour, "token", "", "", ""),
				new AnomalyCounts.HourKey(id, hour, "exchange", "", "", ""),
				new AnomalyCounts.HourKey(id, hour, "sub_agent", "", "", ""));
		assertThat(batch.minutes.get(new AnomalyCounts.MinuteKey(id, Instant.parse("2026-12-01T10:17:00Z"))).subAgents
			.sum()).isEqualTo(1);
		// drained: counting goes on in a new batch
		assertThat(counts.drain().isEmpty()).isTrue();
	}

	@Test
	void fromWhenTheWireNameIsAPolicyRuleThenTheRule() {
		for (String name : AnomalyPolicy.RULES) {
			assertThat(AnomalyRule.from(name)).map(AnomalyRule::value).hasValue(name);
		}
		assertThat(AnomalyRule.values()).hasSize(AnomalyPolicy.RULES.size());
	}

	private static AuditRecord record(String chain, String actor, String action, Map<String, Object> details) {
		return new AuditRecord(chain, 1, NOW, actor, action, null, Decision.ALLOW, null, details, "0", "0");
	}

}
