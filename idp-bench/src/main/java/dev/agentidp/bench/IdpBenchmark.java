package dev.agentidp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The load generator of issue 7, run as its own process against a provider on 127.0.0.1
 * ({@code ./bench/run} starts both). It registers its agents and a resource server
 * through the admin API ({@link ProviderSetup}), then measures, each for a fixed duration
 * after a warm-up and at a fixed concurrency ({@link MeasuredWindows}), repeated
 * {@code --runs} times: client-credentials issuance with a fresh Ed25519
 * {@code private_key_jwt} assertion per request (and, {@code issue-dpop}, with a fresh
 * DPoP proof too: by the agent's own Ed25519 key, or with {@code --dpop-alg ES256} by a
 * P-256 key per agent, {@link Es256DpopKeys}), introspection of active and of revoked
 * tokens, policy decisions (one and ten per request), tool calls through the
 * resource-server kit run in this process ({@code kit}, {@link KitPhase}), token
 * exchange, the revocation of a token with 100 descendants ({@link TreeRevocation}), and
 * audit verify over a million records ({@link AuditVerifyPhase}). It prints a Markdown
 * table of throughput, latency percentiles, and the provider's heap and CPU.
 * <p>
 * Options: {@code --base-url} (default {@code http://127.0.0.1:8080}), {@code --duration}
 * seconds per measured window (15), {@code --warmup} seconds (5), {@code --concurrency}
 * (16), {@code --runs} (3), {@code --agents} (100), {@code --trees} (100),
 * {@code --audit-records} (1000000; 0 skips), {@code --audit-chains} (the chains they are
 * spread over, 1000), {@code --phases} (a comma-separated subset of
 * {@code issue,issue-dpop,introspect,evaluate,kit,exchange,revoke,verify}, default all;
 * issuance always runs, the others need its tokens), {@code --initial-warmup} seconds of
 * issuance, introspection, policy decisions (with {@code evaluate}), exchange and
 * revocation before the first run (120), {@code --register-concurrency} (8),
 * {@code --register-minutes} (40: the phases then run with the agents registered so far),
 * {@code --jdbc-url} (the provider's database, for the audit records),
 * {@code --open-loop} (a share of each window's throughput for an open-loop window after
 * it, {@link OpenLoop}; 0, none), {@code --node-urls} (the nodes behind the load balancer
 * at {@code --base-url}, comma-separated, whose metrics are read each and added up),
 * {@code --out} (a file for the table). The bootstrap admin secret is read from the
 * environment variable {@code IDP_BOOTSTRAP_ADMIN_SECRET}. {@code --prefill-tokens} (0)
 * rows are put into the token store by SQL before any phase ({@link TokenPrefill}; needs
 * {@code --jdbc-url}).
 */
public final class IdpBenchmark {

	private static final String ISSUANCE = "client-credentials token (private_key_jwt EdDSA)";

	private static final String ISSUANCE_DPOP = "client-credentials token, DPoP-bound (private_key_jwt EdDSA and a DPoP proof)";

	private static final String ISSUANCE_DPOP_ES256 = "client-credentials token, DPoP-bound (private_key_jwt EdDSA and an ES256 DPoP proof)";

	/** The phases run when {@code --phases} is not given. */
	static final String ALL_PHASES = "issue,issue-dpop,introspect,evaluate,kit,exchange,revoke,verify";

	private static final String EXCHANGE = "token exchange to a sub-agent (RFC 8693)";

	private static final String EVALUATION = "policy decision (AuthZEN evaluation, audited)";

	private static final String EVALUATIONS = "policy decisions, batch of " + OAuthRequests.BATCH
			+ " (AuthZEN evaluations, audited)";

	private static final ProgressLog LOG = new ProgressLog("bench");

	private final BenchOptions options;

	private final ProviderClient client;

	private final ProviderSetup setup;

	private final MeasuredWindows windows;

	private final Report report = new Report();

	private final String rsBasic;

	private OAuthRequests requests;

	/**
	 * {@code --dpop-alg ES256}: the agents' ES256 DPoP keys; {@code null} for EdDSA
	 * proofs.
	 */
	private Es256DpopKeys dpopKeys;

	private IdpBenchmark(BenchOptions options) throws Exception {
		this.options = options;
		this.client = new ProviderClient(options.get("base-url", "http://127.0.0.1:8080"));
		this.windows = new MeasuredWindows("provider", metrics(options, this.client), options, this.report, LOG);
		this.setup = new ProviderSetup(this.client);
		this.setup.authenticateAdmin();
		this.rsBasic = this.setup.registerResourceServer();
	}

	/**
	 * The provider's metrics: through {@code --base-url}, or, given {@code --node-urls}
	 * (the nodes behind a load balancer), each node's read directly and added up.
	 */
	private static ProviderSampler.Metrics metrics(BenchOptions options, ProviderClient client) {
		String nodes = options.get("node-urls");
		if (nodes == null) {
			return ProviderSampler.actuator(client);
		}
		return ProviderSampler.all(java.util.Arrays.stream(nodes.split(","))
			.map((node) -> ProviderSampler.prometheus(node + "/actuator/prometheus"))
			.toList());
	}

	/**
	 * {@code --prefill-tokens N}: N rows put into the token store before any phase
	 * ({@link TokenPrefill}), so that issuance and introspection are measured beside
	 * them.
	 */
	private void prefillTokens(long rows) throws java.sql.SQLException {
		if (rows <= 0) {
			return;
		}
		String jdbcUrl = this.options.get("jdbc-url");
		if (jdbcUrl == null) {
			throw new IllegalArgumentException("--prefill-tokens needs --jdbc-url");
		}
		LOG.line("prefilling the token store with %d rows", rows);
		double seconds = TokenPrefill.prefill(jdbcUrl, rows, LOG);
		this.report.note(String.format(Locale.ROOT,
				"The token store held %,d more rows before the phases (--prefill-tokens: half expired within the last"
						+ " hour and kept, a fifth revoked, the rest live), inserted in %.0f s.",
				rows, seconds));
	}

	public static void main(String[] args) throws Exception {
		new IdpBenchmark(BenchOptions.parse(args)).run();
		System.exit(0);
	}

	private void run() throws Exception {
		Set<String> phases = Set.of(this.options.get("phases", ALL_PHASES).split(","));
		AutovacuumStandIn.startWhenNeeded(this.options.get("jdbc-url"), this.report, LOG);
		prefillTokens(this.options.longValue("prefill-tokens", "0"));
		int agentCount = registerAgents(this.options.intValue("agents", "100"));
		boolean dpop = phases.contains("issue-dpop");
		String dpopAlg = this.options.get("dpop-alg", "EdDSA");
		if (!dpopAlg.equals("EdDSA") && !dpopAlg.equals("ES256")) {
			throw new IllegalArgumentException("--dpop-alg must be EdDSA or ES256");
		}
		this.dpopKeys = dpopAlg.equals("ES256") ? new Es256DpopKeys() : null;
		KitPhase kit = phases.contains("kit") ? KitPhase.start(this.setup, this.client.baseUrl(), agentCount, LOG)
				: null;
		if (kit != null) {
			this.report.note("The kit phase's tool server (the resource-server kit) runs inside the load generator's"
					+ " process: the kit's own CPU is in the load generator's column, the introspection and the"
					+ " decision it asks for in the provider's.");
		}
		AtomicReferenceArray<String> pool = new AtomicReferenceArray<>(TokenPools.SIZE);
		AtomicReferenceArray<String> latest = new AtomicReferenceArray<>(agentCount);
		String exchangeProbe = null;
		List<Integer> parents = null;
		List<String> revoked = null;
		long initialWarmup = this.options.initialWarmupSeconds();
		if (initialWarmup > 0) {
			// On 2 shared cores the JIT's C2 thread is busy for minutes after start (JFR
			// showed it compiling through every window of a 3-minute run): without this,
			// the first operations measured a half-compiled provider. Every kind of
			// request measured below runs here, each doing what it does when measured.
			boolean decisions = phases.contains("evaluate");
			LOG.line(
					"warming the provider up: %d s of issuance, introspection,%s exchange and revocation, not measured",
					initialWarmup, decisions ? " policy decisions," : "");
			this.windows.warmUp(Duration.ofSeconds(initialWarmup),
					(worker, i) -> warmUp((int) (i % agentCount), i, dpop, decisions));
		}
		int runs = this.windows.runs();
		for (int run = 1; run <= runs; run++) {
			LOG.line("run %d of %d", run, runs);
			this.windows.measure(ISSUANCE, (worker, i) -> {
				int a = (int) (i % agentCount);
				String token = this.requests.issueOrFail(a);
				pool.set((int) (i % TokenPools.SIZE), token);
				latest.set(a, token);
				return true;
			});
			if (dpop) {
				// the same request with a fresh DPoP proof by the agent's own key
				this.windows.measure((this.dpopKeys != null) ? ISSUANCE_DPOP_ES256 : ISSUANCE_DPOP,
						(worker, i) -> ProviderClient
							.status200(this.requests.issueDpop((int) (i % agentCount), this.dpopKeys))
							.body()
							.contains("\"token_type\":\"DPoP\""));
			}
			if (revoked == null) {
				parents = TokenPools.parents(latest);
				revoked = revokeSome(pool, parents, latest);
			}
			if (phases.contains("introspect")) {
				introspect(pool, revoked);
			}
			if (phases.contains("evaluate")) {
				evaluate(parents, latest);
			}
			if (kit != null) {
				kit.measure(this.windows, this.requests);
			}

			if (run == 1) {
				exchangeProbe = probeExchange(parents.get(0), latest.get(parents.get(0)));
			}
			if (exchangeProbe == null && phases.contains("exchange")) {
				List<Integer> holders = parents;
				this.windows.measure(EXCHANGE, (worker, i) -> {
					int a = holders.get((int) (i % holders.size()));
					ProviderClient.status200(this.requests.exchange(a, latest.get(a), "bench-sub-" + (i % 4)));
					return true;
				});
			}
		}
		if (exchangeProbe != null) {
			this.report.add(ReportRow.unavailable(EXCHANGE, exchangeProbe));
		}
		if (phases.contains("revoke")) {
			new TreeRevocation(this.requests, this.windows, this.report, LOG).run(this.options.intValue("trees", "100"),
					agentCount, exchangeProbe == null);
		}
		if (kit != null) {
			kit.close();
		}
		if (phases.contains("verify")) {
			AuditVerifyPhase.run(this.options, this.client, this.windows, this.report, LOG);
		}
		String table = table();
		System.out.println();
		System.out.println(table);
		String out = this.options.get("out");
		if (out != null) {
			Files.writeString(Path.of(out), table);
		}
	}

	private void introspect(AtomicReferenceArray<String> pool, List<String> revoked) throws Exception {
		List<String> active = TokenPools.activeTokens(pool, revoked);
		this.windows.measure("introspection, active token", this.requests.introspecting(active,
				(response) -> response.statusCode() == 200 && response.body().startsWith("{\"active\":true")));
		this.windows.measure("introspection, revoked token",
				this.requests.introspecting(revoked, OAuthRequests::inactive));
	}

	/**
	 * The policy decision point (issue 16): one decision per request, then ten per
	 * request, on the tokens of the agents whose latest token is live.
	 */
	private void evaluate(List<Integer> holders, AtomicReferenceArray<String> latest) throws Exception {
		this.windows.measure(EVALUATION, (worker, i) -> {
			int a = holders.get((int) (i % holders.size()));
			return OAuthRequests.allowed(this.requests.evaluate(a, latest.get(a)));
		});
		this.windows.measure(EVALUATIONS, (worker, i) -> {
			int a = holders.get((int) (i % holders.size()));
			return OAuthRequests.allowed(this.requests.evaluateBatch(a, latest.get(a)));
		});
	}

	// --- preparation -------------------------------------------------------------------

	/** Registers the agents, for at most {@code --register-minutes}; answers how many. */
	private int registerAgents(int count) throws Exception {
		LOG.line("registering %,d agents through POST /admin/v1/agents", count);
		int threads = this.options.intValue("register-concurrency", "8");
		Duration limit = Duration.ofMinutes(this.options.longValue("register-minutes", "40"));
		String prefix = "b" + Long.toString(System.currentTimeMillis(), 36) + "-";
		AgentRegistration registration = AgentRegistration.run(count, threads, limit, this.windows.sampler(),
				(i) -> this.setup.registerAgent(prefix + i, "bench-" + (i % 1000) + "@agentidp.dev"));
		AgentCredentials[] registered = registration.agents();
		ClosedLoop.Outcome outcome = registration.outcome();
		if (registered.length == 0) {
			throw new IllegalStateException("agent registration failed: " + outcome.firstError());
		}
		if (registered.length < count) {
			this.report.note(String.format(Locale.ROOT,
					"Only %,d of the %,d agents asked for were registered within the %d-minute limit; the "
							+ "phases ran with those.",
					registered.length, count, limit.toMinutes()));
		}
		this.requests = new OAuthRequests(this.client, OAuthRequests.Endpoints.provider(this.client.baseUrl()),
				this.rsBasic, registered);
		this.report.add(registration.row(
				String.format(Locale.ROOT, "agent registration (admin API, setup; %,d agents)", registered.length),
				threads));
		LOG.line("registered %,d agents in %.1f s (%d errors%s)", registered.length, outcome.seconds(),
				outcome.errors(), (outcome.firstError() != null) ? ", first: " + outcome.firstError() : "");
		return registered.length;
	}

	/** Revokes up to 2,000 pooled tokens that are not a parent's latest, by jti. */
	private List<String> revokeSome(AtomicReferenceArray<String> pool, List<Integer> parents,
			AtomicReferenceArray<String> latest) throws Exception {
		Set<String> keep = new HashSet<>();
		parents.forEach((a) -> keep.add(latest.get(a)));
		List<String> chosen = new ArrayList<>();
		for (int i = 0; i < pool.length() && chosen.size() < TokenPools.REVOKED; i++) {
			String token = pool.get(i);
			if (token != null && !keep.contains(token)) {
				chosen.add(token);
			}
		}
		LOG.line("revoking %,d tokens through POST /admin/v1/tokens/revoke", chosen.size());
		ClosedLoop.Outcome outcome = ClosedLoop.run(8, Duration.ZERO, Duration.ofMinutes(10), chosen.size(),
				(worker, i) -> {
					this.setup.revoke(chosen.get((int) i));
					return true;
				});
		if (outcome.errors() > 0) {
			throw new IllegalStateException("revoking tokens failed: " + outcome.firstError());
		}
		return chosen;
	}

	// --- requests ----------------------------------------------------------------------

	/**
	 * One round of the initial warm-up: a token (and a DPoP-bound one when that phase
	 * runs), its introspection, a policy decision and a batch of them on it (when that
	 * phase runs: without them its first run measured the JIT compiling the decision
	 * path, at half the later runs' throughput), an exchange for a sub-agent token, and
	 * the revocation of the token (and so of the sub-agent's).
	 */
	private boolean warmUp(int agent, long i, boolean dpop, boolean decisions) throws Exception {
		if (dpop && this.requests.issueDpop(agent, this.dpopKeys).statusCode() != 200) {
			return false;
		}
		ProviderClient.Answer response = this.requests.issue(agent);
		if (response.statusCode() != 200) {
			return false;
		}
		String token = ProviderClient.accessToken(response.body());
		if (this.requests.introspect(token).statusCode() != 200) {
			return false;
		}
		if (decisions && (!OAuthRequests.allowed(this.requests.evaluate(agent, token))
				|| !OAuthRequests.allowed(this.requests.evaluateBatch(agent, token)))) {
			return false;
		}
		if (this.requests.exchange(agent, token, "bench-sub-" + (i % 4)).statusCode() != 200) {
			return false;
		}
		return this.requests.revoke(agent, token).statusCode() == 200;
	}

	/** {@code null} when token exchange works, else why it is not available. */
	private String probeExchange(int agent, String token) throws Exception {
		ProviderClient.Answer response = this.requests.exchange(agent, token, "bench-sub-0");
		if (response.statusCode() == 200) {
			return null;
		}
		String why = ProviderClient.failure(response);
		LOG.line("token exchange is not available: %s", why);
		return why;
	}

	// --- reporting ---------------------------------------------------------------------

	private String table() {
		StringBuilder out = new StringBuilder();
		this.report.appendTable(out, "provider");
		out.append(String.format(Locale.ROOT,
				"Runs: %d; each measured window %d s after a %d s warm-up; latency percentiles are the median over "
						+ "the runs; CPU is the mean share of the whole machine (all cores = 100%%): the provider's JVM, "
						+ "and its PostgreSQL backends (the processes connected to its database, from /proc; the "
						+ "shared WAL writer and checkpointer not counted). Server CPU per request = (provider + "
						+ "PostgreSQL) × cores / throughput, the median over the runs.%n",
				this.windows.runs(), this.windows.duration().toSeconds(), this.windows.warmup().toSeconds()));
		this.report.appendNotes(out);
		return out.toString();
	}

}
