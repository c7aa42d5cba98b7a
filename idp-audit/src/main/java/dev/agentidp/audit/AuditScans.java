package dev.agentidp.audit;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.util.Assert;

/**
 * At most one full scan of the trail (verify or export) at a time on this node (issue 14,
 * item 13). Each holds a pooled connection for as long as it reads, so a few concurrent
 * ones would take the pool from token issuance. The others are refused at once with
 * {@link AuditBusyException} (no connection taken, nothing queued) and counted as
 * {@code idp.audit.scans.refused{operation}}.
 * <p>
 * An in-process semaphore rather than a PostgreSQL advisory lock: what is protected is
 * this node's pool, and refusing must not itself take a connection (an advisory try-lock
 * needs one to ask); nodes each have their own pool, so one node's export does not make
 * another node, whose pool is idle, refuse.
 */
final class AuditScans {

	private static final Duration MIN_RETRY = Duration.ofSeconds(1);

	private static final Duration MAX_RETRY = Duration.ofSeconds(60);

	private final Semaphore running = new Semaphore(1);

	private final MeterRegistry registry;

	private volatile Duration lastScan = MIN_RETRY;

	AuditScans(MeterRegistry registry) {
		Assert.notNull(registry, "registry cannot be null");
		this.registry = registry;
	}

	/**
	 * Runs a scan, unless another is running.
	 * @param operation {@code verify} or {@code export} (the metric's tag)
	 * @param scan the scan
	 * @return its result
	 * @throws AuditBusyException when another scan is running
	 */
	<T> T run(String operation, Supplier<T> scan) {
		if (!this.running.tryAcquire()) {
			Counter.builder("idp.audit.scans.refused")
				.description("Audit verify and export calls refused because another was running on this node")
				.tag("operation", operation)
				.register(this.registry)
				.increment();
			throw new AuditBusyException(retryAfter());
		}
		long start = System.nanoTime();
		try {
			return scan.get();
		}
		finally {
			this.lastScan = Duration.ofNanos(System.nanoTime() - start);
			this.running.release();
		}
	}

	/** About as long as the last scan took, rounded up to whole seconds, 1 to 60. */
	private Duration retryAfter() {
		long seconds = (this.lastScan.toMillis() + 999) / 1000;
		return Duration.ofSeconds(Math.clamp(seconds, MIN_RETRY.toSeconds(), MAX_RETRY.toSeconds()));
	}

}
