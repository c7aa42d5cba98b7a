package dev.agentidp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keycloak measured by the load generator of issue 7 ({@code ./bench/keycloak} starts
 * Keycloak and runs this), so that the comparison with the provider comes from the same
 * code on the same machine: the same closed loop ({@link ClosedLoop}), the same fresh
 * Ed25519 {@code private_key_jwt} assertion per request ({@link AgentCredentials}), the
 * same HTTP client ({@link ProviderClient}) and the same table as {@link IdpBenchmark}.
 * It creates a realm and its clients through Keycloak's admin REST API
 * ({@link KeycloakSetup}), checks once that issuance, introspection and revocation answer
 * as expected, warms Keycloak up, then measures, each for a fixed duration after a
 * warm-up and at a fixed concurrency, repeated {@code --runs} times: client-credentials
 * issuance, introspection of active tokens and introspection of revoked tokens.
 * <p>
 * Options: {@code --base-url} (default {@code http://127.0.0.1:8180}),
 * {@code --metrics-url} (Keycloak's Prometheus metrics on its management port, default
 * {@code http://127.0.0.1:9000/metrics}), {@code --duration} seconds per measured window
 * (15), {@code --warmup} seconds (5), {@code --initial-warmup} seconds of issuance,
 * introspection and revocation before the first run (120), {@code --concurrency} (16),
 * {@code --runs} (3), {@code --agents} (100), {@code --token-alg} (the algorithm Keycloak
 * signs its access tokens with: {@code EdDSA}, the default, as the provider does, or
 * {@code RS256}, Keycloak's own default), {@code --jdbc-url} (Keycloak's database, to
 * count its transactions and written rows per request; optional), {@code --heap},
 * {@code --db} and {@code --db-pool} (Keycloak's settings, for the report), {@code --out}
 * (a file for the table). The bootstrap admin's name and password are read from the
 * environment variables {@code KC_BOOTSTRAP_ADMIN_USERNAME} and
 * {@code KC_BOOTSTRAP_ADMIN_PASSWORD}, the ones Keycloak was started with.
 */
public final class KeycloakBenchmark {

	private static final String REALM = "bench";

	private static final int TOKEN_POOL = 20_000;

	private static final int REVOKED_POOL = 2_000;

	/**
	 * An hour: no token of the pools expires while the runs use it, so that an inactive
	 * answer is always the revocation's.
	 */
	private static final int TOKEN_LIFESPAN = 3600;

	private static final String ISSUANCE = "client-credentials token (private_key_jwt EdDSA)";

	private final Map<String, String> options;

	private final ProviderClient client;

	private final String issuer;

	private final String tokenPath;

	private final String introspectionPath;

	private final String revocationPath;

	private static final HttpClient METRICS_HTTP = ProviderClient.httpClient();

	private final String metricsUrl;

	private final String tokenAlgorithm;

	private final int concurrency;

	private final int runs;

	private final Duration warmup;

	private final Duration duration;

	private final List<ReportRow> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	/** Per measured operation: requests, PostgreSQL commits, rows written. */
	private final Map<String, long[]> database = new LinkedHashMap<>();

	private KeycloakSetup setup;

	private AgentCredentials[] agents;

	private String rsBasic;

	/** How many tokens were revoked for the revoked-token introspection. */
	private int revokedCount;

	/** Why revocation cannot be measured, or {@code null} when it can. */
	private String revocationUnavailable;

	private KeycloakBenchmark(Map<String, String> options) {
		this.options = options;
		this.client = new ProviderClient(option("base-url", "http://127.0.0.1:8180"));
		this.issuer = this.client.baseUrl() + "/realms/" + REALM;
		String oidc = "/realms/" + REALM + "/protocol/openid-connect";
		this.tokenPath = oidc + "/token";
		this.introspectionPath = oidc + "/token/introspect";
		this.revocationPath = oidc + "/revoke";
		this.metricsUrl = option("metrics-url", "http://127.0.0.1:9000/metrics");
		if (!"127.0.0.1".equals(URI.create(this.metricsUrl).getHost())) {
			throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + this.metricsUrl);
		}
		this.tokenAlgorithm = option("token-alg", "EdDSA");
		this.concurrency = Integer.parseInt(option("concurrency", "16"));
		this.runs = Integer.parseInt(option("runs", "3"));
		this.warmup = Duration.ofSeconds(Long.parseLong(option("warmup", "5")));
		this.duration = Duration.ofSeconds(Long.parseLong(option("duration", "15")));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = IdpBenchmark.options(args);
		new KeycloakBenchmark(options).run();
		System.exit(0);
	}

	/** Keycloak's Prometheus metrics (management port), for the sampler. */
	private String metrics() throws IOException, InterruptedException {
		return METRICS_HTTP
			.send(HttpRequest.newBuilder(URI.create(this.metricsUrl)).timeout(Duration.ofSeconds(5)).GET().build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private String option(String name, String fallback) {
		return this.options.getOrDefault(name, fallback);
	}

	private void run() throws Exception {
		String username = System.getenv("KC_BOOTSTRAP_ADMIN_USERNAME");
		String password = System.getenv("KC_BOOTSTRAP_ADMIN_PASSWORD");
		if (username == null || password == null || password.isBlank()) {
			throw new IllegalStateException(
					"set KC_BOOTSTRAP_ADMIN_USERNAME and KC_BOOTSTRAP_ADMIN_PASSWORD to Keycloak's bootstrap admin");
		}
		this.setup = new KeycloakSetup(this.client.baseUrl(), REALM, username, password);
		String server = this.setup.serverDescription();
		log("Keycloak %s; creating realm %s (access tokens signed %s, live %d s)", server, REALM, this.tokenAlgorithm,
				TOKEN_LIFESPAN);
		this.setup.createRealm(TOKEN_LIFESPAN, this.tokenAlgorithm);
		this.rsBasic = this.setup.createResourceServer("bench-rs");
		int agentCount = createAgents(Integer.parseInt(option("agents", "100")));
		probe();
		AtomicReferenceArray<String> pool = new AtomicReferenceArray<>(TOKEN_POOL);
		AtomicIntegerArray owners = new AtomicIntegerArray(TOKEN_POOL);
		List<String> revoked = null;
		long initialWarmup = Long.parseLong(option("initial-warmup", "120"));
		if (initialWarmup > 0) {
			// as in IdpBenchmark: on 2 shared cores the JIT needs minutes; every kind of
			// request measured below runs here first
			log("warming Keycloak up: %d s of issuance, introspection%s, not measured", initialWarmup,
					(this.revocationUnavailable == null) ? " and revocation" : "");
			ClosedLoop.run(this.concurrency, Duration.ofSeconds(initialWarmup), Duration.ZERO, Long.MAX_VALUE,
					(worker, i) -> warmUp((int) (i % agentCount)));
		}
		for (int run = 1; run <= this.runs; run++) {
			log("run %d of %d", run, this.runs);
			measure(ISSUANCE, run, (worker, i) -> {
				int a = (int) (i % agentCount);
				var response = this.client.postForm(this.tokenPath, null, issuanceForm(a));
				if (response.statusCode() != 200) {
					throw new IllegalStateException(
							"HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response));
				}
				int slot = (int) (i % TOKEN_POOL);
				pool.set(slot, ProviderClient.accessToken(response.body()));
				owners.set(slot, a);
				return true;
			});
			if (revoked == null) {
				revoked = (this.revocationUnavailable == null) ? revokeSome(pool, owners) : List.of();
			}
			introspect(pool, revoked, run);
		}
		if (this.revocationUnavailable != null) {
			this.rows.add(ReportRow.unavailable("introspection, revoked token", this.revocationUnavailable));
		}
		String table = table(server);
		String out = this.options.get("out");
		if (out != null) {
			Files.writeString(Path.of(out), table);
		}
		else {
			System.out.println();
			System.out.println(table);
		}
	}

	private void introspect(AtomicReferenceArray<String> pool, List<String> revoked, int run) throws Exception {
		List<String> active = IdpBenchmark.activeTokens(pool, revoked);
		if (active.isEmpty()) {
			throw new IllegalStateException("no active token to introspect: the issuance phase issued none");
		}
		measure("introspection, active token", run, (worker, i) -> {
			String token = active.get((int) (i % active.size()));
			var response = this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token);
			return response.statusCode() == 200 && response.body().contains("\"active\":true");
		});
		if (!revoked.isEmpty()) {
			measure("introspection, revoked token", run, (worker, i) -> {
				String token = revoked.get((int) (i % revoked.size()));
				var response = this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token);
				return response.statusCode() == 200 && response.body().replace(" ", "").equals("{\"active\":false}");
			});
		}
	}

	// --- preparation -------------------------------------------------------------------

	/** Creates the clients through the admin REST API (4 at a time); answers how many. */
	private int createAgents(int count) throws Exception {
		log("creating %,d clients (client-jwt, Ed25519 JWKS) through POST /admin/realms/%s/clients", count, REALM);
		this.agents = new AgentCredentials[count];
		String prefix = "agent-" + Long.toString(System.currentTimeMillis(), 36) + "-";
		int threads = 4;
		ProviderSampler sampler = new ProviderSampler(this::metrics);
		ClosedLoop.Outcome outcome = ClosedLoop.run(threads, Duration.ZERO, Duration.ofMinutes(40), count,
				(worker, i) -> {
					this.agents[(int) i] = this.setup.createAgent(prefix + i);
					return true;
				});
		sampler.close();
		AgentCredentials[] created = Arrays.stream(this.agents)
			.filter((a) -> a != null)
			.toArray(AgentCredentials[]::new);
		if (created.length < count) {
			throw new IllegalStateException("creating the clients failed (" + created.length + " of " + count
					+ " created): " + outcome.firstError());
		}
		ReportRow row = new ReportRow(
				String.format(Locale.ROOT, "client creation (admin REST API, setup; %,d clients)", count), threads);
		row.add(outcome, sampler.samples());
		this.rows.add(row);
		log("created %,d clients in %.1f s", created.length, outcome.seconds());
		return created.length;
	}

	/**
	 * Checks once, before any load, that Keycloak answers every request as the
	 * measurement expects (and fails with its error answer otherwise): a token with the
	 * scope {@code crm:read}, its introspection as active, its revocation by the client
	 * with its own assertion, and its introspection as inactive afterwards. When the
	 * revocation is refused, or the token stays active, the revoked-token row is left out
	 * and the report says why.
	 */
	private void probe() throws Exception {
		var response = this.client.postForm(this.tokenPath, null, issuanceForm(0));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Keycloak refused the client-credentials request with an Ed25519 "
					+ "private_key_jwt assertion: HTTP " + response.statusCode() + " "
					+ ProviderClient.errorBody(response));
		}
		String scope = ProviderClient.JSON.readTree(response.body()).path("scope").asString("");
		if (!Arrays.asList(scope.split(" ")).contains("crm:read")) {
			throw new IllegalStateException("the token was issued without the scope crm:read (scope: " + scope + ")");
		}
		String token = ProviderClient.accessToken(response.body());
		String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
				StandardCharsets.UTF_8);
		String alg = ProviderClient.JSON.readTree(header).path("alg").asString("");
		if (!alg.equals(this.tokenAlgorithm)) {
			throw new IllegalStateException(
					"Keycloak signed the access token " + alg + ", not " + this.tokenAlgorithm + " (--token-alg)");
		}
		var introspection = this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token);
		if (introspection.statusCode() != 200 || !introspection.body().contains("\"active\":true")) {
			throw new IllegalStateException("introspection of a fresh token: HTTP " + introspection.statusCode() + " "
					+ ((introspection.statusCode() == 200) ? "not active" : ProviderClient.errorBody(introspection)));
		}
		var revocation = this.client.postForm(this.revocationPath, null, revocationForm(0, token));
		if (revocation.statusCode() != 200) {
			this.revocationUnavailable = "Keycloak refused the revocation of an access token by its client: HTTP "
					+ revocation.statusCode() + " " + ProviderClient.errorBody(revocation);
		}
		else {
			var after = this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token);
			if (after.statusCode() != 200 || !after.body().replace(" ", "").equals("{\"active\":false}")) {
				this.revocationUnavailable = "after Keycloak accepted the revocation, introspection answered HTTP "
						+ after.statusCode() + " " + (after.body().contains("\"active\":true") ? "active" : "");
			}
		}
		if (this.revocationUnavailable != null) {
			log("revocation is not measured: %s", this.revocationUnavailable);
		}
		log("checked: issuance (scope %s, token signed %s), introspection%s", scope, alg,
				(this.revocationUnavailable == null) ? ", revocation and introspection of the revoked token" : "");
	}

	/**
	 * Revokes up to 2,000 pooled tokens, each by its own client with a fresh assertion
	 * (RFC 7009, Keycloak's revocation endpoint), 8 at a time.
	 */
	private List<String> revokeSome(AtomicReferenceArray<String> pool, AtomicIntegerArray owners) throws Exception {
		int issued = 0;
		for (int i = 0; i < pool.length(); i++) {
			issued += (pool.get(i) != null) ? 1 : 0;
		}
		// at most half of the pool, so that active tokens remain to introspect
		int count = Math.min(REVOKED_POOL, issued / 2);
		List<String> chosen = new ArrayList<>();
		List<Integer> chosenOwners = new ArrayList<>();
		for (int i = 0; i < pool.length() && chosen.size() < count; i++) {
			if (pool.get(i) != null) {
				chosen.add(pool.get(i));
				chosenOwners.add(owners.get(i));
			}
		}
		log("revoking %,d tokens through POST %s", chosen.size(), this.revocationPath);
		ClosedLoop.Outcome outcome = ClosedLoop.run(8, Duration.ZERO, Duration.ofMinutes(10), chosen.size(),
				(worker, i) -> {
					var response = this.client.postForm(this.revocationPath, null,
							revocationForm(chosenOwners.get((int) i), chosen.get((int) i)));
					if (response.statusCode() != 200) {
						throw new IllegalStateException(
								"HTTP " + response.statusCode() + " " + ProviderClient.errorBody(response));
					}
					return true;
				});
		if (outcome.errors() > 0 || chosen.isEmpty()) {
			throw new IllegalStateException("revoking tokens failed: "
					+ (chosen.isEmpty() ? "no token was issued in the first run" : outcome.firstError()));
		}
		this.revokedCount = chosen.size();
		return chosen;
	}

	// --- requests ----------------------------------------------------------------------

	/** One round of the initial warm-up: a token, its introspection, its revocation. */
	private boolean warmUp(int agent) throws Exception {
		var response = this.client.postForm(this.tokenPath, null, issuanceForm(agent));
		if (response.statusCode() != 200) {
			return false;
		}
		String token = ProviderClient.accessToken(response.body());
		if (this.client.postForm(this.introspectionPath, this.rsBasic, "token=" + token).statusCode() != 200) {
			return false;
		}
		return this.revocationUnavailable != null
				|| this.client.postForm(this.revocationPath, null, revocationForm(agent, token)).statusCode() == 200;
	}

	/** The same form as IdpBenchmark's issuance; the audience is the realm's issuer. */
	private String issuanceForm(int agent) {
		return this.agents[agent].issuanceForm(this.issuer);
	}

	private String revocationForm(int agent, String token) {
		return this.agents[agent].revocationForm(this.issuer, token);
	}

	// --- measuring and reporting -------------------------------------------------------

	private void measure(String name, int run, ClosedLoop.Operation operation) throws Exception {
		ProviderSampler sampler = new ProviderSampler(this::metrics);
		AtomicLong calls = new AtomicLong();
		long[] before = databaseCounters();
		ClosedLoop.Outcome outcome = ClosedLoop.run(this.concurrency, this.warmup, this.duration, Long.MAX_VALUE,
				(worker, i) -> {
					calls.incrementAndGet();
					return operation.call(worker, i);
				});
		long[] after = databaseCounters();
		sampler.close();
		ProviderSampler.Samples samples = sampler.samples();
		if (before != null && after != null) {
			long[] sums = this.database.computeIfAbsent(name, (n) -> new long[3]);
			sums[0] += calls.get();
			sums[1] += after[0] - before[0];
			sums[2] += after[1] - before[1];
		}
		log("%s: %,.0f/s p50 %.2f p95 %.2f p99 %.2f ms, %d errors%s, Keycloak heap max %.0f MiB CPU %.0f%%, "
				+ "bench CPU %.0f%%, load %s -> %s", name, outcome.throughput(), outcome.percentileMillis(50),
				outcome.percentileMillis(95), outcome.percentileMillis(99), outcome.errors(),
				(outcome.firstError() != null) ? " (first: " + outcome.firstError() + ")" : "", samples.heapMaxMiB(),
				samples.providerCpu() * 100, samples.benchCpu() * 100, samples.loadBefore(), samples.loadAfter());
		ReportRow.add(this.rows, name, this.concurrency, outcome, samples);
	}

	/**
	 * Keycloak's database's committed transactions and rows written so far
	 * ({@code pg_stat_database}), or {@code null} without {@code --jdbc-url}. A backend
	 * publishes its counts at most once a second, and within about a second of going
	 * idle: the read waits 1.5 s first, so that the previous requests are counted.
	 */
	private long[] databaseCounters() throws SQLException, InterruptedException {
		String jdbcUrl = this.options.get("jdbc-url");
		if (jdbcUrl == null) {
			return null;
		}
		Thread.sleep(1500);
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				ResultSet result = connection.createStatement()
					.executeQuery("SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
							+ "WHERE datname = current_database()")) {
			result.next();
			return new long[] { result.getLong(1), result.getLong(2) };
		}
	}

	private String table(String server) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"Keycloak %s, heap %s, %s, database pool %s, one node (local caches), production mode "
						+ "(start --optimized, HTTP). Keycloak writes no database row per issued token (a "
						+ "client-credentials grant gets a transient session and no refresh token; events are "
						+ "off by default) and keeps no audit chain, so its issuance and introspection figures do "
						+ "not pay for the per-token row and audit record the provider writes; it does write one "
						+ "row per revoked token (its revoked_token table).%n%n",
				server, option("heap", "?"), option("db", "PostgreSQL"), option("db-pool", "?")));
		out.append(ReportRow.header("Keycloak"));
		for (ReportRow row : this.rows) {
			out.append(row.format()).append('\n');
		}
		out.append('\n');
		out.append(String.format(Locale.ROOT,
				"Runs: %d; each measured window %d s after a %d s warm-up, after an initial warm-up of %s s; latency "
						+ "percentiles are the median over the runs. Keycloak CPU is its JVM's process_cpu_usage "
						+ "(Micrometer, from its /metrics on the management port, sampled once a second), the "
						+ "load generator's is its own process CPU; both are the mean share of the whole machine "
						+ "(all cores = 100%%), as in bench/run. Heap: the largest sum of "
						+ "jvm_memory_used_bytes{area=\"heap\"} seen.%n",
				this.runs, this.duration.toSeconds(), this.warmup.toSeconds(), option("initial-warmup", "120")));
		out.append(String.format(Locale.ROOT,
				"%nEvery issuance sends a fresh Ed25519 assertion (new jti; aud = the realm's issuer %s; Keycloak "
						+ "keeps each jti in its single-use cache to refuse replays) and asks for scope=crm:read "
						+ "(a client scope, default-optional in the realm; the token also carries the scopes "
						+ "Keycloak gives every new client by default: profile, email and others); Keycloak "
						+ "signs its access tokens %s%s and they live %d s. Introspection: the client bench-rs with HTTP "
						+ "Basic (client secret), over the up to %,d tokens issued in the issuance phase.%n",
				this.issuer, this.tokenAlgorithm,
				"RS256".equals(this.tokenAlgorithm) ? " (its default, RSA 2048; the provider signs EdDSA)"
						: " (an Ed25519 realm key, as the provider's)",
				TOKEN_LIFESPAN, TOKEN_POOL));
		if (this.revocationUnavailable == null) {
			out.append(String.format(Locale.ROOT,
					"%nRevoked tokens: %,d tokens of the first run's issuance (at most %,d, at most half of "
							+ "those issued), each revoked by its own client (POST /revoke, RFC 7009, with its "
							+ "assertion); Keycloak records the revoked jti in its revoked-token store until the "
							+ "token would expire.%n",
					this.revokedCount, REVOKED_POOL));
		}
		if (!this.database.isEmpty()) {
			out.append(String.format(Locale.ROOT, "%nKeycloak's PostgreSQL per request (pg_stat_database of its "
					+ "database over each phase, warm-up included, divided by the phase's requests):"));
			this.database.forEach(
					(name, sums) -> out.append(String.format(Locale.ROOT, " %s: %.2f transactions, %.2f rows written;",
							name, (double) sums[1] / sums[0], (double) sums[2] / sums[0])));
			out.setLength(out.length() - 1);
			out.append(".\n");
		}
		this.notes.forEach((note) -> out.append("\n").append(note).append('\n'));
		return out.toString();
	}

	private static void log(String format, Object... args) {
		IdpBenchmark.logAs("keycloak-bench", format, args);
	}

}
