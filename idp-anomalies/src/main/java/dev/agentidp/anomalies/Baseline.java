package dev.agentidp.anomalies;

import java.time.Instant;

/**
 * An agent's usual activity: a count over the whole hours from {@code from} to {@code to}
 * (the last {@code baselineDays}, or since its registration), and how many windows of a
 * rule fit in them.
 *
 * @param total the count
 * @param windows the windows in the period (0 when it is shorter than one)
 * @param from the period's start
 * @param to its end (the current hour, excluded)
 */
record Baseline(long total, long windows, Instant from, Instant to) {

	/**
	 * The usual count per window; 0 without a whole window of history.
	 * @return the mean
	 */
	double perWindow() {
		return (this.windows > 0) ? (double) this.total / this.windows : 0;
	}

	String perWindowText() {
		return String.format(java.util.Locale.ROOT, "%.2f", perWindow());
	}

	/**
	 * The rule of {@code rate} and {@code sub_agents}: at least the minimum, and above k
	 * times the baseline.
	 * @param observed the count in the window
	 * @param baseline the baseline per window
	 * @param factor k
	 * @param minimum the fewest that may fire
	 * @return whether the rule fires
	 */
	static boolean above(long observed, double baseline, int factor, int minimum) {
		return observed >= minimum && observed > factor * baseline;
	}

}
