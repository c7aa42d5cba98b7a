package dev.agentidp.console;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.agentidp.audit.AuditBusyException;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.AuditVerification;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The console's "verify all" runs: each in a thread of its own, so that the page answers
 * at once and then shows the run's state until it ends (a long trail takes minutes).
 * {@link AuditTrail} lets one verify or export run at a time per node; a run started
 * while another is running ends at once as {@link State#BUSY} with the time to wait. A
 * run is known by a random id kept in the person's session; runs are forgotten an hour
 * after they end.
 */
@Component
class AuditVerifications {

	private static final Log logger = LogFactory.getLog(AuditVerifications.class);

	private static final Duration KEPT = Duration.ofHours(1);

	/** At most this many runs are remembered on a node (each is a few hundred bytes). */
	private static final int MAX_RUNS = 10_000;

	private final AuditTrail trail;

	private final Map<String, Run> runs = new ConcurrentHashMap<>();

	AuditVerifications(AuditTrail trail) {
		Assert.notNull(trail, "trail cannot be null");
		this.trail = trail;
	}

	/**
	 * Starts verifying the whole trail.
	 * @param actor who asked
	 * @return the run's id
	 */
	String start(String actor) {
		forgetOld();
		String id = UUID.randomUUID().toString();
		Run run = new Run(id, actor, Instant.now());
		this.runs.put(id, run);
		Thread.ofVirtual().name("console-audit-verify-" + id).start(() -> {
			try {
				run.finish(this.trail.verify(null));
			}
			catch (AuditBusyException ex) {
				run.busy(ex.retryAfter());
			}
			catch (RuntimeException ex) {
				logger.warn("The console's audit verification failed", ex);
				run.failed();
			}
		});
		return id;
	}

	/**
	 * A run, when it is known.
	 * @param id its id
	 * @return the run, or {@code null}
	 */
	Run find(String id) {
		return (id != null) ? this.runs.get(id) : null;
	}

	private void forgetOld() {
		Instant before = Instant.now().minus(KEPT);
		this.runs.values().removeIf((run) -> run.endedBefore(before));
		if (this.runs.size() >= MAX_RUNS) {
			this.runs.values().removeIf((run) -> run.state() != State.RUNNING);
		}
	}

	/** Where a run is. */
	enum State {

		/** Still verifying. */
		RUNNING,
		/** Ended: the result says whether the trail is intact. */
		DONE,
		/** Refused: another verify or export was running on this node. */
		BUSY,
		/** Ended without a result (the database failed); logged. */
		FAILED

	}

	/** One run: started by whom and when, its state and, once done, its result. */
	static final class Run {

		private final String id;

		private final String actor;

		private final Instant startedAt;

		private volatile State state = State.RUNNING;

		private volatile AuditVerification result;

		private volatile Duration retryAfter;

		private volatile Instant endedAt;

		Run(String id, String actor, Instant startedAt) {
			this.id = id;
			this.actor = actor;
			this.startedAt = startedAt;
		}

		void finish(AuditVerification result) {
			this.result = result;
			end(State.DONE);
		}

		void busy(Duration retryAfter) {
			this.retryAfter = retryAfter;
			end(State.BUSY);
		}

		void failed() {
			end(State.FAILED);
		}

		private void end(State state) {
			this.endedAt = Instant.now();
			this.state = state;
		}

		boolean endedBefore(Instant instant) {
			Instant ended = this.endedAt;
			return ended != null && ended.isBefore(instant);
		}

		String id() {
			return this.id;
		}

		String actor() {
			return this.actor;
		}

		State state() {
			return this.state;
		}

		AuditVerification result() {
			return this.result;
		}

		Duration retryAfter() {
			return this.retryAfter;
		}

		/** Seconds since the run started, or its whole duration once ended. */
		long seconds() {
			Instant ended = this.endedAt;
			return Duration.between(this.startedAt, (ended != null) ? ended : Instant.now()).toSeconds();
		}

	}

}
