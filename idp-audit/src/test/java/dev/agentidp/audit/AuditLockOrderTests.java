package dev.agentidp.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two transactions that record on the same two chains in opposite orders (an exchange
 * records on the parent's chain, then the sub-agent's) never deadlock on the chains' head
 * locks (issue 14, item 15): the recorder takes them in a fixed order. A listener between
 * the two events holds both transactions at the barrier with the first event recorded,
 * which is when the opposite orders deadlock (PostgreSQL's 40P01).
 */
@SpringBootTest(classes = AuditTestApplication.class)
@Import(AuditLockOrderTests.Pauses.class)
class AuditLockOrderTests extends AuditDatabaseTestSupport {

	@Autowired
	ApplicationEventPublisher events;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	Pauses pauses;

	@Test
	void transactionsRecordingOnTwoChainsInOppositeOrdersDoNotDeadlock() throws Exception {
		this.trail.append(entry("lock-a"));
		this.trail.append(entry("lock-b"));
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 3; round++) {
				this.pauses.barrier = new CyclicBarrier(2);
				List<Future<?>> done = new ArrayList<>();
				done.add(pool.submit(() -> record("lock-a", "lock-b")));
				done.add(pool.submit(() -> record("lock-b", "lock-a")));
				for (Future<?> f : done) {
					f.get(60, TimeUnit.SECONDS);
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.trail.verify("lock-a")).isEqualTo(new AuditVerification.Valid(1, 7));
		assertThat(this.trail.verify("lock-b")).isEqualTo(new AuditVerification.Valid(1, 7));
	}

	private Object record(String first, String second) {
		this.transactions.executeWithoutResult((tx) -> {
			this.events.publishEvent(new Recorded(entry(first)));
			this.events.publishEvent(new Pause());
			this.events.publishEvent(new Recorded(entry(second)));
		});
		return null;
	}

	static AuditEntry entry(String chain) {
		return new AuditEntry(chain, "client-1", "token.exchanged", "jti", Decision.ALLOW, null, Map.of());
	}

	record Recorded(AuditEntry auditEntry) implements AuditableEvent {
	}

	record Pause() {
	}

	/** Waits at commit until the other transaction is there too (or 3 s went by). */
	static class Pauses {

		volatile CyclicBarrier barrier;

		@TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
		void on(Pause pause) throws InterruptedException {
			try {
				this.barrier.await(3, TimeUnit.SECONDS);
			}
			catch (TimeoutException | BrokenBarrierException ex) {
				// the other transaction is waiting for this one's locks: go on
			}
		}

	}

}
