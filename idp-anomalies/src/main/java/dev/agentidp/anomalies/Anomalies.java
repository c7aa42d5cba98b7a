package dev.agentidp.anomalies;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.Refusals;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentStatus;
import dev.agentidp.registry.AnomalyReaction;
import dev.agentidp.registry.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The anomaly module's facade (issue 20, detection): the anomalies recorded for an agent,
 * clearing one, whether an agent awaits a person's review (read by the policy decision
 * point's rule 8, cached), and the reactions: every anomaly is recorded once across nodes
 * ({@code anomaly}'s unique occurrence key), audited on the agent's chain with its
 * evidence ({@link AnomalyDetected}) and reacted to in the same transaction: {@code flag}
 * records, {@code step_up} also stops the agent's calls until cleared, {@code suspend}
 * also suspends the agent with its sub-agents (their tokens revoked).
 */
public final class Anomalies {

	/** The actor of what the detection does on its own (records, suspensions). */
	public static final String ACTOR = "anomaly-detection";

	/** The audit action of a refused clear (no such anomaly, cleared already). */
	public static final String CLEAR_REFUSED = "anomaly.clear_refused";

	/** The most anomalies a list answers. */
	public static final int MAX_LIST = 500;

	private static final String INSERT = """
			INSERT INTO anomaly (id, agent_id, rule, reaction, dedupe, evidence, detected_at)
			VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)
			ON CONFLICT (agent_id, rule, dedupe) DO NOTHING""";

	private static final String COLUMNS = """
			id, agent_id, rule, reaction, evidence, detected_at, cleared_at, cleared_by, clear_reason""";

	private static final String LIST = "SELECT " + COLUMNS
			+ " FROM anomaly WHERE agent_id = ? ORDER BY detected_at DESC, id LIMIT ?";

	/**
	 * Every pending step-up, oldest first (the partial index
	 * {@code anomaly_open_step_up}); at most 100,000, more would be a flood to look at
	 * first.
	 */
	private static final String PENDING = "SELECT " + COLUMNS
			+ " FROM anomaly WHERE reaction = 'step_up' AND cleared_at IS NULL ORDER BY detected_at LIMIT " + 100_000;

	private static final String LOCK = "SELECT " + COLUMNS + " FROM anomaly WHERE id = ? AND agent_id = ? FOR UPDATE";

	private static final String CLEAR = """
			UPDATE anomaly SET cleared_at = ?, cleared_by = ?, clear_reason = ? WHERE id = ? AND cleared_at IS NULL""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Logger logger = LoggerFactory.getLogger(Anomalies.class);

	private static final int MAX_REASON = 500;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final AgentRegistry registry;

	private final Refusals refusals;

	private final Clock clock;

	private final long pendingTtlNanos;

	/** Every agent's oldest pending step-up, as last read, and when. */
	private volatile PendingStepUps pending = new PendingStepUps(Map.of(), Long.MIN_VALUE);

	Anomalies(JdbcClient jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
			AgentRegistry registry, Refusals refusals, Duration stepUpCacheTtl, Clock clock) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		Assert.notNull(transactions, "transactions cannot be null");
		Assert.notNull(events, "events cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		Assert.notNull(refusals, "refusals cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.events = events;
		this.registry = registry;
		this.refusals = refusals;
		this.clock = clock;
		this.pendingTtlNanos = stepUpCacheTtl.toNanos();
	}

	/**
	 * The anomalies of an agent, newest first.
	 * @param agentId the agent
	 * @param limit at most this many, 1 to {@value #MAX_LIST}
	 * @return the anomalies
	 * @throws dev.agentidp.registry.AgentNotFoundException when the agent is unknown
	 */
	public List<Anomaly> list(AgentId agentId, int limit) {
		Assert.isTrue(limit >= 1 && limit <= MAX_LIST, "limit must be between 1 and " + MAX_LIST);
		this.registry.getAgent(agentId);
		return this.jdbc.sql(LIST).params(agentId.value(), limit).query(ROWS).list();
	}

	/**
	 * An anomaly's id as the admin API and the console take it: a UUID in its canonical
	 * form.
	 * @param value the id as given
	 * @return the id
	 * @throws InvalidInputException naming {@code anomalyId} when it is none
	 */
	public static UUID anomalyId(String value) {
		try {
			UUID id = UUID.fromString(value);
			if (id.toString().equalsIgnoreCase(value)) {
				return id;
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		throw new InvalidInputException("anomalyId", "must be an anomaly's id (a UUID)");
	}

	/**
	 * Clears an anomaly: a {@code step_up} stops the agent's calls no more (on this node
	 * at once, on the others within {@code idp.anomalies.step-up-cache-ttl}).
	 * @param agentId the agent
	 * @param anomalyId the anomaly
	 * @param actor who clears it
	 * @param reason why, or {@code null} (printable, at most 500 characters kept)
	 * @param source where the request came from ({@code RequestSource.of}), for a
	 * refusal's record
	 * @return the anomaly as it is now
	 * @throws dev.agentidp.registry.AgentNotFoundException when the agent is unknown
	 * @throws AnomalyNotFoundException when the agent has no such anomaly
	 * @throws AnomalyAlreadyClearedException when it was cleared already
	 * <p>
	 * Either refusal changes nothing and is recorded as {@value #CLEAR_REFUSED} on the
	 * agent's chain, through the refusal counters.
	 */
	public Anomaly clear(AgentId agentId, UUID anomalyId, String actor, String reason, String source) {
		Assert.notNull(agentId, "agentId cannot be null");
		Assert.notNull(anomalyId, "anomalyId cannot be null");
		this.registry.getAgent(agentId);
		String why = (reason != null) ? PrintableText.of(reason, MAX_REASON) : null;
		Anomaly cleared;
		try {
			cleared = this.transactions.execute((status) -> {
				Anomaly anomaly = this.jdbc.sql(LOCK)
					.params(anomalyId, agentId.value())
					.query(ROWS)
					.optional()
					.orElseThrow(() -> new AnomalyNotFoundException(
							"agent " + agentId + " has no anomaly " + anomalyId + " (GET its anomalies to see them)"));
				if (anomaly.clearedAt() != null) {
					throw new AnomalyAlreadyClearedException("anomaly " + anomalyId + " was cleared already, at "
							+ anomaly.clearedAt() + " by " + anomaly.clearedBy());
				}
				Instant now = this.clock.instant();
				this.jdbc.sql(CLEAR).params(Timestamp.from(now), actor, why, anomalyId).update();
				this.events.publishEvent(new AnomalyCleared(anomalyId, agentId, anomaly.rule(), why, actor));
				return new Anomaly(anomaly.id(), agentId, anomaly.rule(), anomaly.reaction(), anomaly.summary(),
						anomaly.evidence(), anomaly.detectedAt(), now, actor, why);
			});
		}
		catch (AnomalyNotFoundException | AnomalyAlreadyClearedException ex) {
			this.refusals.refused(new AuditEntry(agentId.toString(), actor, CLEAR_REFUSED, anomalyId.toString(),
					Decision.DENY, ex.getMessage(), Map.of("anomalyId", anomalyId.toString())), source);
			throw ex;
		}
		stepUpsChanged();
		return cleared;
	}

	/**
	 * The agent's oldest {@code step_up} that no person cleared yet. Every pending
	 * step-up of every agent is read in one query at most once per
	 * {@code idp.anomalies.step-up-cache-ttl} and node (they are few: each waits for a
	 * person): the decision path reads PostgreSQL for none of its decisions in between,
	 * whatever the number of agents.
	 * @param agentId the agent
	 * @return the pending anomaly, or empty
	 */
	public Optional<Anomaly> pendingStepUp(AgentId agentId) {
		Assert.notNull(agentId, "agentId cannot be null");
		PendingStepUps current = this.pending;
		if (System.nanoTime() - current.readAt() >= this.pendingTtlNanos || current.readAt() == Long.MIN_VALUE) {
			current = readPending();
		}
		return Optional.ofNullable(current.byAgent().get(agentId.value()));
	}

	private synchronized PendingStepUps readPending() {
		PendingStepUps current = this.pending;
		long now = System.nanoTime();
		if (current.readAt() != Long.MIN_VALUE && now - current.readAt() < this.pendingTtlNanos) {
			// read by another thread meanwhile
			return current;
		}
		Map<UUID, Anomaly> byAgent = new HashMap<>();
		try {
			for (Anomaly anomaly : this.jdbc.sql(PENDING).query(ROWS).list()) {
				byAgent.putIfAbsent(anomaly.agentId().value(), anomaly);
			}
		}
		catch (RuntimeException ex) {
			// the decision records its audit entry in PostgreSQL anyway: the last read
			// stands until the database answers again, asked again after the interval
			logger.warn("Could not read the pending step-ups: {}", ex.getClass().getSimpleName());
			PendingStepUps kept = new PendingStepUps(current.byAgent(), now);
			this.pending = kept;
			return kept;
		}
		PendingStepUps read = new PendingStepUps(Map.copyOf(byAgent), now);
		this.pending = read;
		return read;
	}

	/** The next read of the pending step-ups goes to PostgreSQL. */
	private void stepUpsChanged() {
		this.pending = new PendingStepUps(this.pending.byAgent(), Long.MIN_VALUE);
	}

	/**
	 * Records an anomaly and reacts to it, once across nodes: an occurrence already
	 * recorded (same agent, rule and occurrence key) does nothing.
	 * @param agent the agent
	 * @param rule the rule
	 * @param reaction the reaction
	 * @param occurrence names the occurrence (the window, the resource)
	 * @param summary the evidence in a sentence
	 * @param evidence the counts, the baseline, the window, the thresholds
	 * @return the anomaly, or empty when it was recorded already
	 */
	Optional<Anomaly> raise(Agent agent, AnomalyRule rule, AnomalyReaction reaction, String occurrence, String summary,
			Map<String, Object> evidence) {
		UUID id = UUID.randomUUID();
		Instant now = this.clock.instant();
		Optional<Anomaly> raised = this.transactions.execute((status) -> {
			int inserted = this.jdbc.sql(INSERT)
				.params(id, agent.id().value(), rule.value(), reaction.value(), occurrence,
						JSON.writeValueAsString(withSummary(summary, evidence)), Timestamp.from(now))
				.update();
			if (inserted == 0) {
				return Optional.empty();
			}
			this.events.publishEvent(new AnomalyDetected(id, agent.id(), rule, reaction, summary, evidence, now));
			if (reaction == AnomalyReaction.SUSPEND && agent.status() == AgentStatus.ACTIVE) {
				// docs/signals.md "Reactions": with its sub-agents, their tokens revoked
				this.registry.suspend(agent.id(),
						PrintableText.of("anomaly " + id + " (" + rule.value() + "): " + summary, MAX_REASON), ACTOR);
			}
			return Optional.of(new Anomaly(id, agent.id(), rule, reaction, summary, evidence, now, null, null, null));
		});
		if (raised.isPresent() && reaction == AnomalyReaction.STEP_UP) {
			stepUpsChanged();
		}
		return raised;
	}

	private static Map<String, Object> withSummary(String summary, Map<String, Object> evidence) {
		Map<String, Object> stored = new java.util.LinkedHashMap<>(evidence);
		stored.put("summary", summary);
		return stored;
	}

	/**
	 * The pending step-ups by agent, read at {@code readAt} ({@link System#nanoTime}).
	 */
	private record PendingStepUps(Map<UUID, Anomaly> byAgent, long readAt) {
	}

	private static final RowMapper<Anomaly> ROWS = (rows, n) -> {
		Map<String, Object> evidence = new java.util.LinkedHashMap<>(
				JSON.readValue(rows.getString("evidence"), new TypeReference<Map<String, Object>>() {
				}));
		String summary = String.valueOf(evidence.remove("summary"));
		Timestamp cleared = rows.getTimestamp("cleared_at");
		return new Anomaly(rows.getObject("id", UUID.class), AgentId.of(rows.getObject("agent_id", UUID.class)),
				AnomalyRule.from(rows.getString("rule")).orElseThrow(),
				AnomalyReaction.from(rows.getString("reaction")).orElseThrow(), summary, evidence,
				rows.getTimestamp("detected_at").toInstant(), (cleared != null) ? cleared.toInstant() : null,
				rows.getString("cleared_by"), rows.getString("clear_reason"));
	};

}
