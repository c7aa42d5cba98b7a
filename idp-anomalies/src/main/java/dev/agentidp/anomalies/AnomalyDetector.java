package dev.agentidp.anomalies;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.anomalies.ActivityStore.Seen;
import dev.agentidp.anomalies.ActivityStore.Window;
import dev.agentidp.anomalies.AnomalyCounts.Batch;
import dev.agentidp.anomalies.AnomalyCounts.MinuteKey;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * Runs the rules (docs/signals.md "Rules"): every flush adds this node's counts to
 * PostgreSQL ({@link ActivityStore}) and evaluates the agents they touched against the
 * counts of every node; the failed client authentications are read from the token
 * endpoint's shared count ({@code failed_authentication}, V10; the failing-authentication
 * report) at the same interval. An anomaly found by several nodes at once is recorded
 * once ({@link Anomalies#raise}).
 */
final class AnomalyDetector {

	/** The {@code rate} rule's window. */
	static final Duration RATE_WINDOW = Duration.ofMinutes(5);

	/** The {@code denials} and {@code sub_agents} rules' window. */
	static final Duration HOUR_WINDOW = Duration.ofHours(1);

	/** The kinds that are decisions. */
	static final List<String> DECISIONS = List.of("tool", "data");

	private static final Logger logger = LoggerFactory.getLogger(AnomalyDetector.class);

	private final AnomalyCounts counts;

	private final ActivityStore store;

	private final Anomalies anomalies;

	private final AgentRegistry registry;

	private final AnomalyReports reports;

	private final AnomaliesProperties properties;

	private final Clock clock;

	private Instant lastPurge = Instant.MIN;

	AnomalyDetector(AnomalyCounts counts, ActivityStore store, Anomalies anomalies, AgentRegistry registry,
			AnomalyReports reports, AnomaliesProperties properties, Clock clock) {
		Assert.notNull(counts, "counts cannot be null");
		Assert.notNull(store, "store cannot be null");
		Assert.notNull(anomalies, "anomalies cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(reports, "reports cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.counts = counts;
		this.store = store;
		this.anomalies = anomalies;
		this.registry = registry;
		this.reports = reports;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * One interval's work: flushes, evaluates, scans the failed authentications and, once
	 * an hour, purges. A failure is logged and the counts of the batch are lost (they are
	 * statistics; the decisions themselves are in the audit trail).
	 */
	synchronized void run() {
		try {
			flushAndEvaluate();
			scanFailedAuthentications();
			Instant now = this.clock.instant();
			if (this.lastPurge.isBefore(now.minus(HOUR_WINDOW))) {
				this.lastPurge = now;
				this.store.purge(now,
						Duration.ofDays(Math.max(this.properties.baselineDays(), this.properties.unusedDays()) + 1));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("The anomaly detection's interval failed: {}", ex.toString());
		}
	}

	/** Adds this node's counts and runs the rules on the agents they touched. */
	void flushAndEvaluate() {
		Batch batch = this.counts.drain();
		if (batch.isEmpty()) {
			return;
		}
		List<Seen> seen = this.store.add(batch);
		Map<UUID, List<Seen>> seenByAgent = new HashMap<>();
		seen.forEach((s) -> seenByAgent.computeIfAbsent(s.agent(), (k) -> new ArrayList<>()).add(s));
		Set<UUID> decided = new LinkedHashSet<>();
		Set<UUID> derived = new LinkedHashSet<>();
		for (Map.Entry<MinuteKey, AnomalyCounts.MinuteCounts> minute : batch.minutes.entrySet()) {
			if (minute.getValue().calls.sum() > 0) {
				decided.add(minute.getKey().agent());
			}
			if (minute.getValue().subAgents.sum() > 0) {
				derived.add(minute.getKey().agent());
			}
		}
		Set<UUID> agents = new LinkedHashSet<>(decided);
		agents.addAll(derived);
		for (UUID agentId : agents) {
			Optional<Agent> agent = this.registry.findAgent(AgentId.of(agentId));
			if (agent.isEmpty() || agent.get().status() != AgentStatus.ACTIVE) {
				continue;
			}
			evaluate(agent.get(), decided.contains(agentId), derived.contains(agentId),
					seenByAgent.getOrDefault(agentId, List.of()));
		}
	}

	private void evaluate(Agent agent, boolean decided, boolean derived, List<Seen> seen) {
		Thresholds thresholds = Thresholds.of(this.properties, agent.profile().tokenPolicy().anomaly());
		Instant now = this.clock.instant();
		Instant minute = AnomalyCounts.minute(now);
		Instant learnedAt = agent.createdAt().plus(thresholds.learningPeriod());
		boolean learned = !learnedAt.isAfter(now);
		UUID id = agent.id().value();
		if (decided && learned) {
			Window window = this.store.window(id, minute.minus(RATE_WINDOW).plusSeconds(60), minute);
			Baseline baseline = baseline(agent, now, DECISIONS, RATE_WINDOW);
			if (Baseline.above(window.calls(), baseline.perWindow(), thresholds.rateFactor(),
					thresholds.minimumCalls())) {
				Map<String, Object> evidence = evidence(window.calls(), baseline, RATE_WINDOW, now);
				evidence.put("factor", thresholds.rateFactor());
				evidence.put("minimumCalls", thresholds.minimumCalls());
				raise(agent, AnomalyRule.RATE, thresholds, slot(now, RATE_WINDOW),
						window.calls() + " decisions in 5 minutes, above " + thresholds.rateFactor()
								+ " x the baseline of " + baseline.perWindowText() + " per 5 minutes",
						evidence);
			}
		}
		if (decided) {
			Window hour = this.store.window(id, minute.minus(HOUR_WINDOW).plusSeconds(60), minute);
			if (hour.calls() >= thresholds.minimumCalls()
					&& hour.denied() * 100 > (long) thresholds.denialPercent() * hour.calls()) {
				Map<String, Object> evidence = new LinkedHashMap<>();
				evidence.put("calls", hour.calls());
				evidence.put("denied", hour.denied());
				evidence.put("windowMinutes", HOUR_WINDOW.toMinutes());
				evidence.put("windowEnd", now.toString());
				evidence.put("denialPercent", thresholds.denialPercent());
				evidence.put("minimumCalls", thresholds.minimumCalls());
				raise(agent, AnomalyRule.DENIALS, thresholds, slot(now, HOUR_WINDOW),
						hour.denied() + " of " + hour.calls() + " decisions in the last hour denied, above "
								+ thresholds.denialPercent() + "%",
						evidence);
			}
		}
		if (derived && learned) {
			Window hour = this.store.window(id, minute.minus(HOUR_WINDOW).plusSeconds(60), minute);
			Baseline baseline = baseline(agent, now, List.of(AnomalyCounts.ActivityKind.SUB_AGENT.value()),
					HOUR_WINDOW);
			if (Baseline.above(hour.subAgents(), baseline.perWindow(), thresholds.subAgentFactor(),
					thresholds.minimumSubAgents())) {
				Map<String, Object> evidence = evidence(hour.subAgents(), baseline, HOUR_WINDOW, now);
				evidence.put("factor", thresholds.subAgentFactor());
				evidence.put("minimumSubAgents", thresholds.minimumSubAgents());
				raise(agent, AnomalyRule.SUB_AGENTS, thresholds, slot(now, HOUR_WINDOW),
						hour.subAgents() + " sub-agents derived in the last hour, above " + thresholds.subAgentFactor()
								+ " x the baseline of " + baseline.perWindowText() + " per hour",
						evidence);
			}
		}
		for (Seen first : seen) {
			if (first.firstSeen().isBefore(learnedAt)) {
				continue;
			}
			Map<String, Object> evidence = new LinkedHashMap<>();
			evidence.put("kind", first.kind());
			evidence.put("resource", first.resource());
			evidence.put("firstSeen", first.firstSeen().toString());
			evidence.put("learnedSince", learnedAt.toString());
			raise(agent, AnomalyRule.NEW_RESOURCE, thresholds, first.kind() + ":" + first.resource(),
					"first use of " + first.kind() + " " + first.resource() + " since the learning period ended",
					evidence);
		}
	}

	/** The failed client authentications of agents, from every node and source. */
	void scanFailedAuthentications() {
		Instant now = this.clock.instant();
		for (FailingClient client : this.reports.failingAuthentication(AnomalyReports.MAX_ROWS)) {
			UUID id;
			try {
				id = UUID.fromString(client.clientId());
			}
			catch (IllegalArgumentException ex) {
				// not an agent: a resource server or admin client
				continue;
			}
			Optional<Agent> agent = this.registry.findAgent(AgentId.of(id));
			if (agent.isEmpty() || agent.get().status() != AgentStatus.ACTIVE) {
				continue;
			}
			Thresholds thresholds = Thresholds.of(this.properties, agent.get().profile().tokenPolicy().anomaly());
			long failures = client.failures();
			if (failures < thresholds.failedAuthentications()) {
				continue;
			}
			Map<String, Object> evidence = new LinkedHashMap<>();
			evidence.put("failures", failures);
			evidence.put("sources", client.sources());
			evidence.put("lastFailure", client.lastFailure().toString());
			evidence.put("threshold", thresholds.failedAuthentications());
			raise(agent.get(), AnomalyRule.FAILED_AUTHENTICATION, thresholds, slot(now, HOUR_WINDOW),
					failures + " failed client authentications within an hour, from " + evidence.get("sources")
							+ " source(s), at or above " + thresholds.failedAuthentications(),
					evidence);
		}
	}

	private void raise(Agent agent, AnomalyRule rule, Thresholds thresholds, String occurrence, String summary,
			Map<String, Object> evidence) {
		this.anomalies.raise(agent, rule, thresholds.reaction(rule), occurrence, summary, evidence);
	}

	/**
	 * The baseline of some kinds: their count over the whole hours of the last
	 * {@code baselineDays} (from the agent's registration when it is younger), per
	 * window.
	 */
	private Baseline baseline(Agent agent, Instant now, List<String> kinds, Duration window) {
		Instant end = AnomalyCounts.hour(now);
		Instant start = end.minus(Duration.ofDays(this.properties.baselineDays()));
		Instant registered = AnomalyCounts.hour(agent.createdAt());
		if (registered.isAfter(start)) {
			start = registered;
		}
		long windows = Duration.between(start, end).toMinutes() / window.toMinutes();
		long total = (windows > 0) ? this.store.hours(agent.id().value(), start, end, kinds) : 0;
		return new Baseline(total, windows, start, end);
	}

	private Map<String, Object> evidence(long observed, Baseline baseline, Duration window, Instant now) {
		Map<String, Object> evidence = new LinkedHashMap<>();
		evidence.put("observed", observed);
		evidence.put("windowMinutes", window.toMinutes());
		evidence.put("windowEnd", now.toString());
		evidence.put("baselinePerWindow", baseline.perWindow());
		evidence.put("baselineTotal", baseline.total());
		evidence.put("baselineFrom", baseline.from().toString());
		evidence.put("baselineTo", baseline.to().toString());
		return evidence;
	}

	/** The occurrence key of a window: its aligned start. */
	private static String slot(Instant now, Duration window) {
		long seconds = window.toSeconds();
		return "window:" + Instant.ofEpochSecond((now.getEpochSecond() / seconds) * seconds);
	}

}
