package dev.agentidp.anomalies;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditObserver;
import dev.agentidp.audit.AuditRecord;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.policy.AccessAttempt;
import dev.agentidp.policy.AccessDecision;
import dev.agentidp.policy.DecisionObserver;

import org.springframework.util.Assert;

/**
 * What this node saw since its last flush, counted in memory (issue 20, item 1): the
 * policy decision point's decisions ({@link DecisionObserver}: per agent, hour, tool or
 * data resource, action and code; the distinct targets; per minute, decisions and
 * denials; the resources first allowed), and from the committed audit records
 * ({@link AuditObserver}) the tokens issued, the exchanges an agent made and the
 * sub-agents derived from it. Counting takes a shared lock and a few map operations: the
 * decision path pays no database round trip; {@link #drain()} hands the counts to the
 * writer ({@link ActivityStore}) every {@code idp.anomalies.flush-interval}.
 */
final class AnomalyCounts implements DecisionObserver, AuditObserver {

	/** The longest resource, action or target kept (as the audit record keeps them). */
	static final int MAX_TEXT = 200;

	private final Clock clock;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile Batch batch = new Batch();

	AnomalyCounts(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	@Override
	public void decided(AccessAttempt attempt, AccessDecision decision) {
		if (attempt.agentId() == null) {
			// not an active agent's token: nobody's behaviour
			return;
		}
		UUID agent = attempt.agentId().value();
		Instant now = this.clock.instant();
		String kind = attempt.request().resourceType().value();
		String resource = text(attempt.request().resourceId());
		String target = attempt.request().target();
		this.lock.readLock().lock();
		try {
			Batch current = this.batch;
			current.count(new HourKey(agent, hour(now), kind, resource, text(attempt.request().action()),
					decision.code().value()), 1);
			current.minute(agent, now).calls.increment();
			if (!decision.allowed()) {
				current.minute(agent, now).denied.increment();
			}
			else {
				current.seen.putIfAbsent(new SeenKey(agent, kind, resource), now);
			}
			if (target != null) {
				current.targets.add(new TargetKey(agent, hour(now), resource, text(target)));
			}
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public void recorded(AuditRecord record) {
		if (AuditEntry.SYSTEM_CHAIN.equals(record.chain()) || record.decision() != Decision.ALLOW) {
			return;
		}
		switch (record.action()) {
			case "token.issued" -> count(record.chain(), ActivityKind.TOKEN, record.occurredAt());
			case "token.exchanged" -> {
				// recorded on the parent's chain and on the sub-agent's: the parent's is
				// the
				// exchange it made
				if (record.chain().equals(record.actor())) {
					count(record.chain(), ActivityKind.EXCHANGE, record.occurredAt());
				}
			}
			case "agent.registered" -> {
				if (record.details().get("parentId") instanceof String parent) {
					count(parent, ActivityKind.SUB_AGENT, record.occurredAt());
				}
			}
			default -> {
			}
		}
	}

	private void count(String agentId, ActivityKind kind, Instant at) {
		UUID agent;
		try {
			agent = UUID.fromString(agentId);
		}
		catch (IllegalArgumentException ex) {
			return;
		}
		Instant now = this.clock.instant();
		this.lock.readLock().lock();
		try {
			Batch current = this.batch;
			current.count(new HourKey(agent, hour(now), kind.value(), "", "", ""), 1);
			if (kind == ActivityKind.SUB_AGENT) {
				current.minute(agent, now).subAgents.increment();
			}
			else {
				current.touched.add(agent);
			}
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * The counts since the last drain; counting goes on in a new batch.
	 * @return the counts
	 */
	Batch drain() {
		this.lock.writeLock().lock();
		try {
			Batch drained = this.batch;
			this.batch = new Batch();
			return drained;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	static Instant hour(Instant at) {
		return at.truncatedTo(ChronoUnit.HOURS);
	}

	static Instant minute(Instant at) {
		return at.truncatedTo(ChronoUnit.MINUTES);
	}

	private static String text(String value) {
		return PrintableText.of(value, MAX_TEXT);
	}

	/** The kinds of activity counted besides decisions. */
	enum ActivityKind {

		TOKEN("token"), EXCHANGE("exchange"), SUB_AGENT("sub_agent");

		private final String value;

		ActivityKind(String value) {
			this.value = value;
		}

		String value() {
			return this.value;
		}

	}

	/** An hourly count's key ({@code agent_activity}). */
	record HourKey(UUID agent, Instant hour, String kind, String resource, String action, String code) {
	}

	/** A target used ({@code agent_activity_target}). */
	record TargetKey(UUID agent, Instant hour, String resource, String target) {
	}

	/** A resource allowed ({@code agent_resource_seen}). */
	record SeenKey(UUID agent, String kind, String resource) {
	}

	/** A minute's key ({@code agent_activity_minute}). */
	record MinuteKey(UUID agent, Instant minute) {
	}

	/** A minute's counts. */
	static final class MinuteCounts {

		final LongAdder calls = new LongAdder();

		final LongAdder denied = new LongAdder();

		final LongAdder subAgents = new LongAdder();

	}

	/** The counts of one interval. */
	static final class Batch {

		final Map<HourKey, LongAdder> hours = new ConcurrentHashMap<>();

		final Set<TargetKey> targets = ConcurrentHashMap.newKeySet();

		final Map<MinuteKey, MinuteCounts> minutes = new ConcurrentHashMap<>();

		final Map<SeenKey, Instant> seen = new ConcurrentHashMap<>();

		/** Agents with activity not in the minutes (tokens, exchanges). */
		final Set<UUID> touched = ConcurrentHashMap.newKeySet();

		void count(HourKey key, long n) {
			this.hours.computeIfAbsent(key, (k) -> new LongAdder()).add(n);
		}

		MinuteCounts minute(UUID agent, Instant at) {
			return this.minutes.computeIfAbsent(new MinuteKey(agent, AnomalyCounts.minute(at)),
					(k) -> new MinuteCounts());
		}

		boolean isEmpty() {
			return this.hours.isEmpty() && this.minutes.isEmpty();
		}

	}

}
