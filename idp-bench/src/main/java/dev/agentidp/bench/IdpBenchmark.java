package dev.agentidp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The load generator of issue 7, run as its own process against a provider on 127.0.0.1
 * ({@code ./bench/run} starts both). It registers its agents and a resource server
 * through the admin API, then measures, each for a fixed duration after a warm-up and at
 * a fixed concurrency, repeated {@code --runs} times: client-credentials issuance with a
 * fresh Ed25519 {@code private_key_jwt} assertion per request, introspection of active
 * and of revoked tokens, token exchange, the revocation of a token with 100 descendants,
 * and audit verify over a million records. It prints a Markdown table of throughput,
 * latency percentiles, and the provider's heap and CPU.
 * <p>
 * Options: {@code --base-url} (default {@code http://127.0.0.1:8080}), {@code --duration}
 * seconds per measured window (15), {@code --warmup} seconds (5), {@code --concurrency}
 * (16), {@code --runs} (3), {@code --agents} (100), {@code --trees} (100),
 * {@code --audit-records} (1000000; 0 skips), {@code --audit-chains} (the chains they are
 * spread over, 1000), {@code --phases} (a comma-separated subset of
 * {@code issue,introspect,exchange,revoke,verify}; issuance always runs, the others need
 * its tokens), {@code --initial-warmup} seconds of issuance, introspection, exchange and
 * revocation before the first run (120), {@code --register-concurrency} (8),
 * {@code --register-minutes} (40: the phases then run with the agents registered so far),
 * {@code --jdbc-url} (the provider's database, for the audit records), {@code --out} (a
 * file for the table). The bootstrap admin secret is read from the environment variable
 * {@code IDP_BOOTSTRAP_ADMIN_SECRET}.
 */
public final class IdpBenchmark {

	private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
		.ofPattern("HH:mm:ss");

	private static final int DESCENDANTS = 100;

	private static final int TOKEN_POOL = 20_000;

	private static final int REVOKED_POOL = 2_000;

	private final Map<String, String> options;

	private final ProviderClient client;

	private final String issuer;

	private final int concurrency;

	private final int runs;

	private final Duration warmup;

	private final Duration duration;

	private final String rsBasic;

	private final List<ReportRow> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private AgentCredentials[] agents;

	private IdpBenchmark(Map<String, String> options) throws Exception {
		this.options = options;
		this.client = new ProviderClient(option("base-url", "http://127.0.0.1:8080"));
		this.issuer = this.client.baseUrl();
		this.concurrency = Integer.parseInt(option("concurrency", "16"));
		this.runs = Integer.parseInt(option("runs", "3"));
		this.warmup = Duration.ofSeconds(Long.parseLong(option("warmup", "5")));
		this.duration = Duration.ofSeconds(Long.parseLong(option("duration", "15")));
		String secret = System.getenv("IDP_BOOTSTRAP_ADMIN_SECRET");
		if (secret == null || secret.isBlank()) {
			throw new IllegalStateException("set IDP_BOOTSTRAP_ADMIN_SECRET to the provider's bootstrap admin secret");
		}
		this.client.authenticateAdmin(secret);
		Thread.ofPlatform().daemon().name("bench-admin-token").start(() -> {
			while (true) {
				try {
					Thread.sleep(240_000);
					this.client.authenticateAdmin(secret);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (Exception ex) {
					System.err.println("admin token renewal failed: " + ex.getMessage());
				}
			}
		});
		ObjectNode rs = ProviderClient.JSON.createObjectNode();
		rs.put("name", "bench-rs-" + System.currentTimeMillis());
		rs.put("kind", "resource_server");
		JsonNode registered = ProviderClient.json(this.client.adminPost("/admin/v1/clients", rs), "resource server");
		this.rsBasic = ProviderClient.basic(registered.get("clientId").asString(),
				registered.get("clientSecret").asString());
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		new IdpBenchmark(options).run();
		System.exit(0);
	}

	/**
	 * The command line's {@code --name value} pairs.
	 * @param args the arguments
	 * @return the options by name, in order
	 */
	static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
			}
			options.put(args[i].substring(2), args[++i]);
		}
		return options;
	}

	private String option(String name, String fallback) {
		return this.options.getOrDefault(name, fallback);
	}

	private void run() throws Exception {
		Set<String> phases = Set.of(option("phases", "issue,introspect,exchange,revoke,verify").split(","));
		keepStatisticsCurrent();
		int agentCount = registerAgents(Integer.parseInt(option("agents", "100")));
		AtomicReferenceArray<String> pool = new AtomicReferenceArray<>(TOKEN_POOL);
		AtomicReferenceArray<String> latest = new AtomicReferenceArray<>(agentCount);
		String exchangeProbe = null;
		List<Integer> parents = null;
		List<String> revoked = null;
		long initialWarmup = Long.parseLong(option("initial-warmup", "120"));
		if (initialWarmup > 0) {
			// On 2 shared cores the JIT's C2 thread is busy for minutes after start (JFR
			// showed it compiling through every window of a 3-minute run): without this,
			// the first operations measured a half-compiled provider. Every kind of
			// request measured below runs here, each doing what it does when measured.
			log("warming the provider up: %d s of issuance, introspection, exchange and revocation, not measured",
					initialWarmup);
			ClosedLoop.run(this.concurrency, Duration.ofSeconds(initialWarmup), Duration.ZERO, Long.MAX_VALUE,
					(worker, i) -> warmUp((int) (i % agentCount), i));
		}
		for (int run = 1; run <= this.runs; run++) {
			log("run %d of %d", run, this.runs);
			measure("client-credentials token (private_key_jwt EdDSA)", run, (worker, i) -> {
				int a = (int) (i % agentCount);
				ProviderClient.Answer response = this.client.postForm("/oauth2/token", null, issuanceForm(a));
				if (response.statusCode() != 200) {
					throw new IllegalStateException(
							"HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response));
				}
				String token = ProviderClient.accessToken(response.body());
				pool.set((int) (i % TOKEN_POOL), token);
				latest.set(a, token);
				return true;
			});
			if (revoked == null) {
				parents = parents(latest);
				revoked = revokeSome(pool, parents, latest);
			}
			if (phases.contains("introspect")) {
				introspect(pool, revoked, run);
			}

			if (run == 1) {
				exchangeProbe = probeExchange(parents.get(0), latest.get(parents.get(0)));
			}
			if (exchangeProbe == null && phases.contains("exchange")) {
				List<Integer> holders = parents;
				measure("token exchange to a sub-agent (RFC 8693)", run, (worker, i) -> {
					int a = holders.get((int) (i % holders.size()));
					ProviderClient.Answer response = exchange(a, latest.get(a), "bench-sub-" + (i % 4));
					if (response.statusCode() != 200) {
						throw new IllegalStateException(
								"HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response));
					}
					return true;
				});
			}
		}
		if (exchangeProbe != null) {
			this.rows.add(ReportRow.unavailable("token exchange to a sub-agent (RFC 8693)", exchangeProbe));
		}
		if (phases.contains("revoke")) {
			revokeTrees(agentCount, exchangeProbe == null);
		}
		if (phases.contains("verify")) {
			auditVerify();
		}
		String table = table();
		System.out.println();
		System.out.println(table);
		String out = this.options.get("out");
		if (out != null) {
			Files.writeString(Path.of(out), table);
		}
	}

	private void introspect(AtomicReferenceArray<String> pool, List<String> revoked, int run) throws Exception {
		List<String> active = activeTokens(pool, revoked);
		measure("introspection, active token", run, (worker, i) -> {
			String token = active.get((int) (i % active.size()));
			ProviderClient.Answer response = this.client.postForm("/oauth2/introspect", this.rsBasic, "token=" + token);
			return response.statusCode() == 200 && response.body().startsWith("{\"active\":true");
		});
		List<String> inactive = revoked;
		measure("introspection, revoked token", run, (worker, i) -> {
			String token = inactive.get((int) (i % inactive.size()));
			ProviderClient.Answer response = this.client.postForm("/oauth2/introspect", this.rsBasic, "token=" + token);
			return response.statusCode() == 200 && response.body().replace(" ", "").equals("{\"active\":false}");
		});
	}

	// --- preparation -------------------------------------------------------------------

	/** Registers the agents, for at most {@code --register-minutes}; answers how many. */
	private int registerAgents(int count) throws Exception {
		log("registering %,d agents through POST /admin/v1/agents", count);
		this.agents = new AgentCredentials[count];
		int threads = Integer.parseInt(option("register-concurrency", "8"));
		Duration limit = Duration.ofMinutes(Long.parseLong(option("register-minutes", "40")));
		String prefix = "b" + Long.toString(System.currentTimeMillis(), 36) + "-";
		ProviderSampler sampler = new ProviderSampler(this.client);
		ClosedLoop.Outcome outcome = ClosedLoop.run(threads, Duration.ZERO, limit, count, (worker, i) -> {
			ObjectNode body = ProviderClient.JSON.createObjectNode();
			body.put("name", prefix + i);
			body.put("owner", "bench-" + (i % 1000) + "@agentidp.dev");
			ArrayNode capabilities = body.putArray("capabilities");
			capabilities.addObject().put("scope", "crm:read").put("riskLevel", "low");
			capabilities.addObject().put("scope", "crm:write").put("riskLevel", "medium");
			body.put("generateKey", true);
			JsonNode agent = ProviderClient.json(this.client.adminPost("/admin/v1/agents", body), "register");
			JsonNode key = agent.get("privateJwk");
			this.agents[(int) i] = AgentCredentials.of(agent.get("id").asString(), key.get("kid").asString(),
					key.get("d").asString(), key.get("x").asString());
			return true;
		});
		sampler.close();
		AgentCredentials[] registered = Arrays.stream(this.agents)
			.filter((a) -> a != null)
			.toArray(AgentCredentials[]::new);
		if (registered.length == 0) {
			throw new IllegalStateException("agent registration failed: " + outcome.firstError());
		}
		if (registered.length < count) {
			this.notes.add(String.format(Locale.ROOT,
					"Only %,d of the %,d agents asked for were registered within the %d-minute limit; the "
							+ "phases ran with those.",
					registered.length, count, limit.toMinutes()));
		}
		this.agents = registered;
		ReportRow row = new ReportRow(
				String.format(Locale.ROOT, "agent registration (admin API, setup; %,d agents)", registered.length),
				threads);
		row.add(outcome, sampler.samples());
		this.rows.add(row);
		log("registered %,d agents in %.1f s (%d errors%s)", registered.length, outcome.seconds(), outcome.errors(),
				(outcome.firstError() != null) ? ", first: " + outcome.firstError() : "");
		return registered.length;
	}

	private static List<Integer> parents(AtomicReferenceArray<String> latest) {
		List<Integer> parents = new ArrayList<>();
		for (int a = 0; a < latest.length() && parents.size() < 5_000; a++) {
			if (latest.get(a) != null) {
				parents.add(a);
			}
		}
		return parents;
	}

	/** Revokes up to 2,000 pooled tokens that are not a parent's latest, by jti. */
	private List<String> revokeSome(AtomicReferenceArray<String> pool, List<Integer> parents,
			AtomicReferenceArray<String> latest) throws Exception {
		Set<String> keep = new HashSet<>();
		parents.forEach((a) -> keep.add(latest.get(a)));
		List<String> chosen = new ArrayList<>();
		for (int i = 0; i < pool.length() && chosen.size() < REVOKED_POOL; i++) {
			String token = pool.get(i);
			if (token != null && !keep.contains(token)) {
				chosen.add(token);
			}
		}
		log("revoking %,d tokens through POST /admin/v1/tokens/revoke", chosen.size());
		ClosedLoop.Outcome outcome = ClosedLoop.run(8, Duration.ZERO, Duration.ofMinutes(10), chosen.size(),
				(worker, i) -> {
					ProviderClient.Answer response = this.client.adminPost("/admin/v1/tokens/revoke",
							Map.of("jti", ProviderClient.jti(chosen.get((int) i))));
					ProviderClient.json(response, "revoke");
					return true;
				});
		if (outcome.errors() > 0) {
			throw new IllegalStateException("revoking tokens failed: " + outcome.firstError());
		}
		return chosen;
	}

	/** The pooled tokens that were not revoked. */
	static List<String> activeTokens(AtomicReferenceArray<String> pool, List<String> revoked) {
		Set<String> gone = new HashSet<>(revoked);
		List<String> active = new ArrayList<>();
		for (int i = 0; i < pool.length(); i++) {
			String token = pool.get(i);
			if (token != null && !gone.contains(token)) {
				active.add(token);
			}
		}
		return active;
	}

	// --- requests ----------------------------------------------------------------------

	/**
	 * PostgreSQL's autovacuum keeps the planner's statistics current. Where it is off
	 * (the CI configuration of this machine's PostgreSQL turns it off), the provider's
	 * cached statements keep the plans made while the tables were nearly empty:
	 * sequential scans that grow with the tables (a revocation of 100 descendants went
	 * from a few ms to 35–1,000 ms, scanning {@code issued_token}). So that the figures
	 * are those of a database as deployed, {@code ANALYZE} then runs every 30 s in its
	 * place, and the report says so.
	 */
	private void keepStatisticsCurrent() throws SQLException {
		String jdbcUrl = this.options.get("jdbc-url");
		if (jdbcUrl == null) {
			return;
		}
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				ResultSet autovacuum = connection.createStatement().executeQuery("SHOW autovacuum")) {
			if (!autovacuum.next() || !"off".equals(autovacuum.getString(1))) {
				return;
			}
		}
		log("autovacuum is off on this PostgreSQL: ANALYZE runs every 30 s in its place");
		this.notes.add("PostgreSQL's autovacuum is off on this machine (its CI configuration): the load generator ran "
				+ "ANALYZE on the provider's database every 30 s in its place, as autovacuum would keep the "
				+ "statistics of a deployed database current.");
		Thread.ofPlatform().daemon().name("bench-analyze").start(() -> {
			while (true) {
				try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
					connection.createStatement().execute("ANALYZE");
					Thread.sleep(30_000);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (SQLException ex) {
					System.err.println("ANALYZE failed: " + ex.getMessage());
					return;
				}
			}
		});
	}

	/**
	 * One round of the initial warm-up: a token, its introspection, an exchange for a
	 * sub-agent token, and the revocation of the token (and so of the sub-agent's).
	 */
	private boolean warmUp(int agent, long i) throws IOException, InterruptedException {
		ProviderClient.Answer response = this.client.postForm("/oauth2/token", null, issuanceForm(agent));
		if (response.statusCode() != 200) {
			return false;
		}
		String token = ProviderClient.accessToken(response.body());
		if (this.client.postForm("/oauth2/introspect", this.rsBasic, "token=" + token).statusCode() != 200) {
			return false;
		}
		if (exchange(agent, token, "bench-sub-" + (i % 4)).statusCode() != 200) {
			return false;
		}
		return this.client.postForm("/oauth2/revoke", null, revocationForm(agent, token)).statusCode() == 200;
	}

	private String revocationForm(int agent, String token) {
		return this.agents[agent].revocationForm(this.issuer, token);
	}

	private String issuanceForm(int agent) {
		return this.agents[agent].issuanceForm(this.issuer);
	}

	private ProviderClient.Answer exchange(int agent, String subjectToken, String subAgent)
			throws IOException, InterruptedException {
		AgentCredentials credentials = this.agents[agent];
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", ProviderClient.TOKEN_EXCHANGE);
		form.put("client_id", credentials.id());
		form.put("client_assertion_type", ProviderClient.ASSERTION_TYPE);
		form.put("client_assertion", credentials.assertion(this.issuer));
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", ProviderClient.ACCESS_TOKEN_TYPE);
		form.put("sub_agent", subAgent);
		form.put("scope", "crm:read");
		return this.client.postForm("/oauth2/token", null, ProviderClient.form(form));
	}

	/** {@code null} when token exchange works, else why it is not available. */
	private String probeExchange(int agent, String token) throws Exception {
		ProviderClient.Answer response = exchange(agent, token, "bench-sub-0");
		if (response.statusCode() == 200) {
			return null;
		}
		String why = "HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response);
		log("token exchange is not available: %s", why);
		return why;
	}

	private String issue(int agent) throws IOException, InterruptedException {
		ProviderClient.Answer response = this.client.postForm("/oauth2/token", null, issuanceForm(agent));
		ProviderClient.json(response, "token");
		return ProviderClient.accessToken(response.body());
	}

	// --- revocation of a token with 100 descendants -----------------------------------

	private void revokeTrees(int agentCount, boolean exchangeAvailable) throws Exception {
		int trees = Integer.parseInt(option("trees", "100"));
		String name = exchangeAvailable ? "revocation of a token with 100 descendants (POST /oauth2/revoke)"
				: "revocation of a token without descendants (exchange not available)";
		log("%s: %d trees", name, trees);
		Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
		long stillActive = 0;
		long checked = 0;
		long errors = 0;
		String firstError = null;
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		ProviderSampler sampler = new ProviderSampler(this.client);
		long measuredNanos = 0;
		int done = 0;
		try (ExecutorService pool = Executors.newFixedThreadPool(this.concurrency)) {
			for (int t = 0; t < trees && System.nanoTime() < deadline; t++) {
				int agent = t % agentCount;
				String root = issue(agent);
				List<String> descendants = new ArrayList<>();
				if (exchangeAvailable) {
					List<Future<String>> children = new ArrayList<>();
					for (int j = 0; j < DESCENDANTS; j++) {
						String subAgent = "tree-" + (j % 10);
						children.add(pool.submit(() -> {
							ProviderClient.Answer response = exchange(agent, root, subAgent);
							ProviderClient.json(response, "exchange");
							return ProviderClient.accessToken(response.body());
						}));
					}
					for (Future<String> child : children) {
						descendants.add(child.get());
					}
				}
				String form = revocationForm(agent, root);
				long t0 = System.nanoTime();
				ProviderClient.Answer response = this.client.postForm("/oauth2/revoke", null, form);
				long t1 = System.nanoTime();
				measuredNanos += t1 - t0;
				if (response.statusCode() != 200) {
					errors++;
					if (firstError == null) {
						firstError = "HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response);
					}
					continue;
				}
				latency.recordValue((t1 - t0) / 1000);
				done++;
				// right after the call returns, every descendant must introspect inactive
				List<Future<Boolean>> checks = new ArrayList<>();
				for (String descendant : descendants) {
					checks.add(pool
						.submit(() -> this.client.postForm("/oauth2/introspect", this.rsBasic, "token=" + descendant)
							.body()
							.startsWith("{\"active\":true")));
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
		this.rows.add(row);
		this.notes.add(String.format(Locale.ROOT,
				"Revocation: %d revoke calls, one at a time; %,d descendants introspected right after their root's "
						+ "revoke returned, %,d still active. Throughput of that row = 1 / mean latency of the call.",
				done, checked, stillActive));
	}

	// --- audit verify -----------------------------------------------------------------

	private void auditVerify() throws Exception {
		int records = Integer.parseInt(option("audit-records", "1000000"));
		String jdbcUrl = this.options.get("jdbc-url");
		if (records <= 0 || jdbcUrl == null) {
			this.rows.add(ReportRow.unavailable("audit verify (GET /admin/v1/audit/verify)",
					"skipped (no --jdbc-url or --audit-records 0)"));
			return;
		}
		int chains = Integer.parseInt(option("audit-chains", "1000"));
		log("inserting %,d audit records over %,d chains (COPY, hashes computed by the rule)", records, chains);
		double seeded = AuditSeeder.seed(jdbcUrl, records, chains);
		log("inserted in %.1f s", seeded);
		this.notes.add(String.format(Locale.ROOT,
				"Audit verify: %,d records over %,d chains inserted directly into PostgreSQL (COPY, %.1f s) on "
						+ "top of the records the run itself wrote; figures are records verified per second per call.",
				records, chains, seeded));
		ReportRow row = new ReportRow("audit verify (GET /admin/v1/audit/verify), records/s", 1);
		for (int run = 1; run <= this.runs; run++) {
			ProviderSampler sampler = new ProviderSampler(this.client);
			long t0 = System.nanoTime();
			ProviderClient.Answer response = this.client.get("/admin/v1/audit/verify", this.client.adminToken(),
					Duration.ofMinutes(10));
			long t1 = System.nanoTime();
			sampler.close();
			JsonNode result = ProviderClient.json(response, "verify");
			if (!result.get("valid").asBoolean()) {
				throw new IllegalStateException("verify answered invalid: " + result);
			}
			long verified = result.get("records").asLong();
			double seconds = (t1 - t0) / 1e9;
			log("verify run %d: %,d records in %.2f s = %,.0f records/s", run, verified, seconds, verified / seconds);
			Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(600), 3);
			latency.recordValue((t1 - t0) / 1000);
			// throughput in records: operations = records, seconds = the call's duration
			row.add(new ClosedLoop.Outcome(verified, 0, seconds, latency, null), sampler.samples());
		}
		this.rows.add(row);
	}

	// --- measuring and reporting
	// --------------------------------------------------------

	private void measure(String name, int run, ClosedLoop.Operation operation) throws Exception {
		ProviderSampler sampler = new ProviderSampler(this.client);
		ClosedLoop.Outcome outcome = ClosedLoop.run(this.concurrency, this.warmup, this.duration, Long.MAX_VALUE,
				operation);
		sampler.close();
		ProviderSampler.Samples samples = sampler.samples();
		log("%s: %,.0f/s p50 %.2f p95 %.2f p99 %.2f ms, %d errors%s, provider heap max %.0f MiB CPU %.0f%%, "
				+ "bench CPU %.0f%%, load %s -> %s", name, outcome.throughput(), outcome.percentileMillis(50),
				outcome.percentileMillis(95), outcome.percentileMillis(99), outcome.errors(),
				(outcome.firstError() != null) ? " (first: " + outcome.firstError() + ")" : "", samples.heapMaxMiB(),
				samples.providerCpu() * 100, samples.benchCpu() * 100, samples.loadBefore(), samples.loadAfter());
		ReportRow.add(this.rows, name, this.concurrency, outcome, samples);
	}

	private String table() {
		StringBuilder out = new StringBuilder();
		out.append(ReportRow.header("provider"));
		for (ReportRow row : this.rows) {
			out.append(row.format()).append('\n');
		}
		out.append('\n');
		out.append(String.format(Locale.ROOT,
				"Runs: %d; each measured window %d s after a %d s warm-up; latency percentiles are the median over "
						+ "the runs; CPU is the mean share of the whole machine (all cores = 100%%).%n",
				this.runs, this.duration.toSeconds(), this.warmup.toSeconds()));
		this.notes.forEach((note) -> out.append("\n").append(note).append('\n'));
		return out.toString();
	}

	private static void log(String format, Object... args) {
		logAs("bench", format, args);
	}

	/**
	 * Prints a progress line, {@code [source HH:mm:ss] message}.
	 * @param source who prints it
	 * @param format the message, a {@link String#format} pattern
	 * @param args its arguments
	 */
	static void logAs(String source, String format, Object... args) {
		Object[] all = new Object[args.length + 1];
		all[0] = java.time.LocalTime.now().format(TIME);
		System.arraycopy(args, 0, all, 1, args.length);
		System.out.printf(Locale.ROOT, "[" + source + " %s] " + format + "%n", all);
	}

}
