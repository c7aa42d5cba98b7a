package dev.agentidp.anomalies;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.audit.Refusals;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.policy.AccessAttempt;
import dev.agentidp.policy.AccessDecision;
import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.DecisionCode;
import dev.agentidp.policy.DeclaredAccess;
import dev.agentidp.policy.ResourceType;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated traffic over days with an adjustable clock, on the shared provider's
 * PostgreSQL: a detector of its own (its counts, store and anomalies on that clock)
 * learns an agent's usual rate for two days, then a burst above the minimum but within k
 * × the baseline passes, and one above k × the baseline fires the {@code rate} rule; a
 * tool first used after the learning period is {@code new_resource}. The provider's own
 * detector sees none of these decisions (they are not the decision point's).
 */
class AnomalyBaselineTests extends ProviderIntegrationTestSupport {

	@Autowired
	JdbcTemplate jdbcTemplate;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	ApplicationEventPublisher events;

	@Autowired
	Refusals refusals;

	@Test
	void aBurstAboveFourTimesTheBaselineFiresAndOneWithinItDoesNot() {
		TestAgent registered = new TestAgents(this.http, admin().token(), this.http.baseUrl())
			.document("anomalies-baseline")
			.scope("github:create_pr", "low")
			.scope("jira:create_issue", "low")
			.tool("github", "https://mcp.example.com/github", "create_pr")
			.tool("jira", "https://mcp.example.com/jira", "create_issue")
			.register();
		Agent agent = this.agents.getAgent(AgentId.of(registered.id()));
		MutableClock clock = new MutableClock(agent.createdAt());
		AnomalyCounts counts = new AnomalyCounts(clock);
		Anomalies anomalies = new Anomalies(this.jdbc, this.transactions, this.events, this.agents, this.refusals,
				Duration.ZERO, clock);
		AnomalyDetector detector = new AnomalyDetector(counts, new ActivityStore(this.jdbcTemplate), anomalies,
				this.agents, new AnomalyReports(this.jdbc, this.agents, clock), AnomaliesProperties.DEFAULTS, clock);
		// two days of 30 calls every 5 minutes, within the default learning period (48 h)
		Instant start = agent.createdAt();
		for (int window = 0; window < 48 * 12 - 1; window++) {
			clock.set(start.plus(Duration.ofMinutes(5L * window)));
			decide(counts, agent, "github", "create_pr", 30);
		}
		detector.run();
		// learning: 30 calls in 5 minutes with no baseline yet would fire otherwise
		assertThat(anomalies.list(agent.id(), 10)).isEmpty();
		// day three: the baseline is about 20 calls per 5 minutes (k x baseline = 80).
		// The
		// rate rule fires once per 5-minute slot of the epoch, so day three starts one
		// minute into a slot: the new tool's call 10 s later is in the same slot, and no
		// second rate anomaly can share its detection time (which made the newest
		// anomaly's order depend on the ids when day three fell in a slot's last 10 s)
		Instant dayThree = slotStart(start.plus(Duration.ofHours(72))).plus(Duration.ofMinutes(6));
		clock.set(dayThree);
		decide(counts, agent, "github", "create_pr", 60);
		detector.run();
		assertThat(anomalies.list(agent.id(), 10)).isEmpty();
		decide(counts, agent, "github", "create_pr", 40);
		detector.run();
		List<Anomaly> found = anomalies.list(agent.id(), 10);
		assertThat(found).hasSize(1);
		Anomaly rate = found.get(0);
		assertThat(rate.rule()).isEqualTo(AnomalyRule.RATE);
		assertThat(rate.pending()).isTrue();
		assertThat(((Number) rate.evidence().get("observed")).longValue()).isEqualTo(100);
		assertThat(((Number) rate.evidence().get("baselinePerWindow")).doubleValue()).isBetween(19.0, 20.5);
		assertThat(((Number) rate.evidence().get("baselineTotal")).longValue()).isEqualTo(30L * (48 * 12 - 1));
		// the same window fires once
		decide(counts, agent, "github", "create_pr", 40);
		detector.run();
		assertThat(anomalies.list(agent.id(), 10)).hasSize(1);
		// a tool never used while learning
		clock.set(dayThree.plusSeconds(10));
		decide(counts, agent, "jira", "create_issue", 1);
		detector.run();
		List<Anomaly> afterNewTool = anomalies.list(agent.id(), 10);
		assertThat(afterNewTool).extracting(Anomaly::rule).containsExactly(AnomalyRule.NEW_RESOURCE, AnomalyRule.RATE);
		Anomaly newTool = afterNewTool.get(0);
		assertThat(newTool.rule()).isEqualTo(AnomalyRule.NEW_RESOURCE);
		assertThat(newTool.evidence()).containsEntry("resource", "jira");
		anomalies.clear(agent.id(), rate.id(), "baseline-test", "simulated", null);
	}

	/** The start of the 5-minute slot of the epoch that holds an instant. */
	private static Instant slotStart(Instant at) {
		long seconds = Duration.ofMinutes(5).toSeconds();
		return Instant.ofEpochSecond((at.getEpochSecond() / seconds) * seconds);
	}

	private static void decide(AnomalyCounts counts, Agent agent, String tool, String action, int times) {
		AccessRequest request = new AccessRequest(agent.id().toString(), "token", action, ResourceType.TOOL, tool,
				Map.of(), BigDecimal.ZERO, Map.of());
		AccessAttempt attempt = new AccessAttempt(request, null, false, agent.id(), DeclaredAccess.of(agent, agent));
		for (int i = 0; i < times; i++) {
			counts.decided(attempt, new AccessDecision(true, "d" + i, DecisionCode.ALLOWED, null, null, null));
		}
	}

	/** A clock the test moves. */
	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void set(Instant instant) {
			this.now = instant;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
