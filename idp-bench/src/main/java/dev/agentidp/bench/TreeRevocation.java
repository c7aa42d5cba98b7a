package dev.agentidp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The provider's revocation phase: for each tree, a root token gets 100 descendants by
 * token exchange (not timed), then its agent revokes it at {@code POST /oauth2/revoke},
 * one call at a time, timed; right after the call returns every descendant is
 * introspected and counted when still active. Without token exchange the roots have no
 * descendants and the row says so. At most 5 minutes.
 */
final class TreeRevocation {

	private static final int DESCENDANTS = 100;

	private final OAuthRequests requests;

	private final MeasuredWindows windows;

	private final Report report;

	private final ProgressLog log;

	TreeRevocation(OAuthRequests requests, MeasuredWindows windows, Report report, ProgressLog log) {
		this.requests = requests;
		this.windows = windows;
		this.report = report;
		this.log = log;
	}

	/**
	 * Runs the phase and adds its row and its note.
	 * @param trees how many roots to revoke
	 * @param agentCount the registered agents, whose tokens are the roots in turn
	 * @param exchangeAvailable whether the roots get descendants
	 */
	void run(int trees, int agentCount, boolean exchangeAvailable) throws Exception {
		String name = exchangeAvailable ? "revocation of a token with 100 descendants (POST /oauth2/revoke)"
				: "revocation of a token without descendants (exchange not available)";
		this.log.line("%s: %d trees", name, trees);
		Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
		long stillActive = 0;
		long checked = 0;
		long errors = 0;
		String firstError = null;
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		ProviderSampler sampler = this.windows.sampler();
		long measuredNanos = 0;
		int done = 0;
		try (ExecutorService pool = Executors.newFixedThreadPool(this.windows.concurrency())) {
			for (int t = 0; t < trees && System.nanoTime() < deadline; t++) {
				int agent = t % agentCount;
				String root = this.requests.issueToken(agent);
				List<String> descendants = exchangeAvailable ? descendants(pool, agent, root) : new ArrayList<>();
				String form = this.requests.revocationForm(agent, root);
				long t0 = System.nanoTime();
				ProviderClient.Answer response = this.requests.revoke(form);
				long t1 = System.nanoTime();
				measuredNanos += t1 - t0;
				if (response.statusCode() != 200) {
					errors++;
					if (firstError == null) {
						firstError = ProviderClient.failure(response);
					}
					continue;
				}
				latency.recordValue((t1 - t0) / 1000);
				done++;
				// right after the call returns, every descendant must introspect inactive
				List<Future<Boolean>> checks = new ArrayList<>();
				for (String descendant : descendants) {
					checks.add(pool
						.submit(() -> this.requests.introspect(descendant).body().startsWith("{\"active\":true")));
				}
				for (Future<Boolean> check : checks) {
					checked++;
					if (check.get()) {
						stillActive++;
					}
				}
			}
		}
		sampler.close();
		ReportRow row = new ReportRow(name, 1);
		row.add(new ClosedLoop.Outcome(done, errors, measuredNanos / 1e9, latency, firstError), sampler.samples());
		this.report.add(row);
		this.report.note(String.format(Locale.ROOT,
				"Revocation: %d revoke calls, one at a time; %,d descendants introspected right after their root's "
						+ "revoke returned, %,d still active. Throughput of that row = 1 / mean latency of the call.",
				done, checked, stillActive));
	}

	/** The root's 100 descendants, by exchange on the pool's threads. */
	private List<String> descendants(ExecutorService pool, int agent, String root) throws Exception {
		List<Future<String>> children = new ArrayList<>();
		for (int j = 0; j < DESCENDANTS; j++) {
			String subAgent = "tree-" + (j % 10);
			children.add(pool.submit(() -> {
				ProviderClient.Answer response = this.requests.exchange(agent, root, subAgent);
				ProviderClient.json(response, "exchange");
				return ProviderClient.accessToken(response.body());
			}));
		}
		List<String> descendants = new ArrayList<>();
		for (Future<String> child : children) {
			descendants.add(child.get());
		}
		return descendants;
	}

}
