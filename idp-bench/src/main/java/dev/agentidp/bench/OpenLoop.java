package dev.agentidp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * An open-loop load phase (issue 22, item 1): requests are due at a fixed arrival rate,
 * request {@code i} at {@code start + i / rate}, whatever the answers before it did, and
 * each latency is measured from the time the request was due, not from when a thread got
 * round to sending it, as wrk2 does. A server that stalls therefore shows its queue in
 * the percentiles instead of slowing the load down with it (coordinated omission, which a
 * {@link ClosedLoop} suffers by design).
 * <p>
 * {@code workers} threads share the schedule (each with its own connection, by worker
 * index, as in the closed loop): a free worker takes the next due request and waits for
 * its time; when every worker is busy the requests fall behind their times and their
 * latencies grow. A request due inside the window but not sent when it ends is counted as
 * late, with the time it had waited as its latency (a lower bound), so that a rate the
 * server cannot sustain is never reported as a good tail. Written by hand: the load
 * generator is a separate program with no HTTP benchmarking library, and what it needs of
 * wrk2 is this schedule.
 */
final class OpenLoop {

	private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(120);

	/**
	 * What an open-loop window gave.
	 *
	 * @param rate the arrival rate asked for, per second
	 * @param outcome the completions inside the window, their latencies from the due time
	 * (the late requests' included) and the errors (the late requests among them); its
	 * throughput is what the server answered
	 * @param late requests due inside the window that were never sent (the server fell
	 * behind the rate)
	 */
	record Outcome(double rate, ClosedLoop.Outcome outcome, long late) {
	}

	private OpenLoop() {
	}

	/**
	 * Runs the schedule for a warm-up (not recorded) and then the measured window.
	 * @param workers the threads (and connections)
	 * @param rate the arrival rate, per second
	 * @param warmup the unrecorded time first
	 * @param measured the recorded window
	 * @param operation the request
	 * @return the window's outcome
	 */
	static Outcome run(int workers, double rate, Duration warmup, Duration measured, ClosedLoop.Operation operation)
			throws InterruptedException {
		if (!(rate > 0) || workers < 1) {
			throw new IllegalArgumentException("rate and workers must be positive");
		}
		double interval = 1e9 / rate;
		long start = System.nanoTime();
		long measureFrom = start + warmup.toNanos();
		long end = measureFrom + measured.toNanos();
		AtomicLong next = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>();
		List<Histogram> histograms = new ArrayList<>();
		long[] errors = new long[workers];
		long[] completed = new long[workers];
		long[] late = new long[workers];
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < workers; w++) {
			int worker = w;
			Histogram histogram = new Histogram(MAX_MICROS, 3);
			histograms.add(histogram);
			threads.add(Thread.ofPlatform().name("open-loop-" + w).start(() -> {
				while (true) {
					long index = next.getAndIncrement();
					long due = start + (long) (index * interval);
					if (due >= end) {
						break;
					}
					long now;
					while ((now = System.nanoTime()) < due) {
						LockSupport.parkNanos(due - now);
					}
					if (now >= end) {
						// due inside the window, never sent: late, with what it waited
						if (due >= measureFrom) {
							histogram.recordValue(Math.min((now - due) / 1000, MAX_MICROS));
							late[worker]++;
						}
						continue;
					}
					boolean ok = ClosedLoop.call(operation, worker, index, firstError);
					long done = System.nanoTime();
					if (due >= measureFrom) {
						if (ok) {
							histogram.recordValue(Math.min((done - due) / 1000, MAX_MICROS));
							completed[worker]++;
						}
						else {
							errors[worker]++;
						}
					}
				}
			}));
		}
		for (Thread thread : threads) {
			thread.join();
		}
		Histogram total = new Histogram(MAX_MICROS, 3);
		histograms.forEach(total::add);
		long completions = 0;
		long failures = 0;
		long unsent = 0;
		for (int w = 0; w < workers; w++) {
			completions += completed[w];
			failures += errors[w];
			unsent += late[w];
		}
		double seconds = measured.toNanos() / 1e9;
		// a request never sent is a request the server did not serve at this rate
		return new Outcome(rate,
				new ClosedLoop.Outcome(completions, failures + unsent, seconds, total, firstError.get()), unsent);
	}

}
