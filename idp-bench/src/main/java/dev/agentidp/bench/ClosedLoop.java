package dev.agentidp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop load phase: {@code concurrency} threads each send one request, wait for
 * its answer and send the next, for a warm-up (not recorded) and then a fixed measured
 * window. Bounded in time (and, optionally, in count); it stops by itself.
 */
final class ClosedLoop {

	/** One request; answers whether it succeeded as the benchmark expects. */
	@FunctionalInterface
	interface Operation {

		boolean call(int worker, long iteration) throws Exception;

	}

	/**
	 * What a measured window gave.
	 *
	 * @param operations successful operations that started inside the window
	 * @param errors failed operations inside the window
	 * @param seconds the window's length
	 * @param latency the successful operations' latencies, in microseconds
	 * @param firstError the first failure's message, or {@code null}
	 */
	record Outcome(long operations, long errors, double seconds, Histogram latency, String firstError) {

		double throughput() {
			return this.operations / this.seconds;
		}

		double percentileMillis(double percentile) {
			return (this.latency.getTotalCount() == 0) ? Double.NaN
					: this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

	}

	private ClosedLoop() {
	}

	/**
	 * One call of an operation: whether it succeeded; a failure's message is kept when it
	 * is the first.
	 */
	static boolean call(Operation operation, int worker, long iteration, AtomicReference<String> firstError) {
		try {
			return operation.call(worker, iteration);
		}
		catch (Exception ex) {
			firstError.compareAndSet(null, ex.toString());
			return false;
		}
	}

	static Outcome run(int concurrency, Duration warmup, Duration measured, long maxOperations, Operation operation)
			throws InterruptedException {
		long start = System.nanoTime();
		long measureFrom = start + warmup.toNanos();
		long end = measureFrom + measured.toNanos();
		AtomicLong iterations = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>();
		List<Histogram> histograms = new ArrayList<>();
		long[] errors = new long[concurrency];
		long[] measuredEnd = new long[concurrency];
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < concurrency; w++) {
			int worker = w;
			Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
			histograms.add(histogram);
			threads.add(Thread.ofPlatform().name("bench-" + w).start(() -> {
				while (true) {
					long t0 = System.nanoTime();
					if (t0 >= end) {
						break;
					}
					long iteration = iterations.getAndIncrement();
					if (iteration >= maxOperations) {
						break;
					}
					boolean ok = call(operation, worker, iteration, firstError);
					long t1 = System.nanoTime();
					if (t0 >= measureFrom) {
						if (ok) {
							histogram.recordValue(Math.min((t1 - t0) / 1000, TimeUnit.SECONDS.toMicros(120)));
						}
						else {
							errors[worker]++;
						}
						measuredEnd[worker] = t1;
					}
				}
			}));
		}
		for (Thread thread : threads) {
			thread.join();
		}
		Histogram total = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
		histograms.forEach(total::add);
		long errorCount = 0;
		long last = measureFrom;
		for (int w = 0; w < concurrency; w++) {
			errorCount += errors[w];
			last = Math.max(last, measuredEnd[w]);
		}
		// a count-bounded phase may stop before the window ends
		double seconds = Math.max(1e-3, (Math.min(last, end) - measureFrom) / 1e9);
		return new Outcome(total.getTotalCount(), errorCount, seconds, total, firstError.get());
	}

}
