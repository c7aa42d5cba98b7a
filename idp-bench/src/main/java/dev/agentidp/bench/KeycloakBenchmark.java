package dev.agentidp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keycloak measured by the load generator of issue 7 ({@code ./bench/keycloak} starts
 * Keycloak and runs this), so that the comparison with the provider comes from the same
 * code on the same machine: the same closed loop ({@link ClosedLoop},
 * {@link MeasuredWindows}), the same fresh Ed25519 {@code private_key_jwt} assertion per
 * request ({@link AgentCredentials}), the same HTTP client ({@link ProviderClient},
 * {@link OAuthRequests}) and the same table as {@link IdpBenchmark}. It creates a realm
 * and its clients through Keycloak's admin REST API ({@link KeycloakSetup}), checks once
 * that issuance, introspection and revocation answer as expected
 * ({@link KeycloakPreflight}), warms Keycloak up, then measures, each for a fixed
 * duration after a warm-up and at a fixed concurrency, repeated {@code --runs} times:
 * client-credentials issuance, introspection of active tokens and introspection of
 * revoked tokens.
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

	/**
	 * An hour: no token of the pools expires while the runs use it, so that an inactive
	 * answer is always the revocation's.
	 */
	private static final int TOKEN_LIFESPAN = 3600;

	private static final String ISSUANCE = "client-credentials token (private_key_jwt EdDSA)";

	private static final ProgressLog LOG = new ProgressLog("keycloak-bench");

	private final BenchOptions options;

	private final ProviderClient client;

	private final OAuthRequests.Endpoints endpoints;

	private final String tokenAlgorithm;

	private final MeasuredWindows windows;

	private final Report report = new Report();

	private final KeycloakDatabaseLoad database;

	private KeycloakSetup setup;

	private OAuthRequests requests;

	/** How many tokens were revoked for the revoked-token introspection. */
	private int revokedCount;

	/** Why revocation cannot be measured, or {@code null} when it can. */
	private String revocationUnavailable;

	private KeycloakBenchmark(BenchOptions options) {
		this.options = options;
		this.client = new ProviderClient(options.get("base-url", "http://127.0.0.1:8180"));
		this.endpoints = OAuthRequests.Endpoints.keycloakRealm(this.client.baseUrl(), REALM);
		ProviderSampler.Metrics metrics = ProviderSampler
			.prometheus(options.get("metrics-url", "http://127.0.0.1:9000/metrics"));
		this.tokenAlgorithm = options.get("token-alg", "EdDSA");
		this.windows = new MeasuredWindows("Keycloak", metrics, options, this.report, LOG);
		this.database = new KeycloakDatabaseLoad(options.get("jdbc-url"));
	}

	public static void main(String[] args) throws Exception {
		new KeycloakBenchmark(BenchOptions.parse(args)).run();
		System.exit(0);
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
		LOG.line("Keycloak %s; creating realm %s (access tokens signed %s, live %d s)", server, REALM,
				this.tokenAlgorithm, TOKEN_LIFESPAN);
		this.setup.createRealm(TOKEN_LIFESPAN, this.tokenAlgorithm);
		String rsBasic = this.setup.createResourceServer("bench-rs");
		int agentCount = createAgents(this.options.intValue("agents", "100"), rsBasic);
		this.revocationUnavailable = KeycloakPreflight.check(this.requests, this.tokenAlgorithm, LOG);
		AtomicReferenceArray<String> pool = new AtomicReferenceArray<>(TokenPools.SIZE);
		AtomicIntegerArray owners = new AtomicIntegerArray(TokenPools.SIZE);
		List<String> revoked = null;
		long initialWarmup = this.options.initialWarmupSeconds();
		if (initialWarmup > 0) {
			// as in IdpBenchmark: on 2 shared cores the JIT needs minutes; every kind of
			// request measured below runs here first
			LOG.line("warming Keycloak up: %d s of issuance, introspection%s, not measured", initialWarmup,
					(this.revocationUnavailable == null) ? " and revocation" : "");
			this.windows.warmUp(Duration.ofSeconds(initialWarmup), (worker, i) -> warmUp((int) (i % agentCount)));
		}
		int runs = this.windows.runs();
		for (int run = 1; run <= runs; run++) {
			LOG.line("run %d of %d", run, runs);
			measure(ISSUANCE, (worker, i) -> {
				int a = (int) (i % agentCount);
				int slot = (int) (i % TokenPools.SIZE);
				pool.set(slot, this.requests.issueOrFail(a));
				owners.set(slot, a);
				return true;
			});
			if (revoked == null) {
				revoked = (this.revocationUnavailable == null) ? revokeSome(pool, owners) : List.of();
			}
			introspect(pool, revoked);
		}
		if (this.revocationUnavailable != null) {
			this.report.add(ReportRow.unavailable("introspection, revoked token", this.revocationUnavailable));
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

	private void introspect(AtomicReferenceArray<String> pool, List<String> revoked) throws Exception {
		List<String> active = TokenPools.activeTokens(pool, revoked);
		if (active.isEmpty()) {
			throw new IllegalStateException("no active token to introspect: the issuance phase issued none");
		}
		measure("introspection, active token", this.requests.introspecting(active,
				(response) -> response.statusCode() == 200 && response.body().contains("\"active\":true")));
		if (!revoked.isEmpty()) {
			measure("introspection, revoked token", this.requests.introspecting(revoked, OAuthRequests::inactive));
		}
	}

	/** Measures a window, counting its requests for Keycloak's database figures. */
	private void measure(String name, ClosedLoop.Operation operation) throws Exception {
		AtomicLong calls = new AtomicLong();
		this.windows.measure(name, (worker, i) -> {
			calls.incrementAndGet();
			return operation.call(worker, i);
		}, this.database.window(name, calls));
	}

	// --- preparation -------------------------------------------------------------------

	/** Creates the clients through the admin REST API (4 at a time); answers how many. */
	private int createAgents(int count, String rsBasic) throws Exception {
		LOG.line("creating %,d clients (client-jwt, Ed25519 JWKS) through POST /admin/realms/%s/clients", count, REALM);
		String prefix = "agent-" + Long.toString(System.currentTimeMillis(), 36) + "-";
		int threads = 4;
		AgentRegistration registration = AgentRegistration.run(count, threads, Duration.ofMinutes(40),
				this.windows.sampler(), (i) -> this.setup.createAgent(prefix + i));
		AgentCredentials[] created = registration.agents();
		if (created.length < count) {
			throw new IllegalStateException("creating the clients failed (" + created.length + " of " + count
					+ " created): " + registration.outcome().firstError());
		}
		this.requests = new OAuthRequests(this.client, this.endpoints, rsBasic, created);
		this.report.add(registration
			.row(String.format(Locale.ROOT, "client creation (admin REST API, setup; %,d clients)", count), threads));
		LOG.line("created %,d clients in %.1f s", created.length, registration.outcome().seconds());
		return created.length;
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
		int count = Math.min(TokenPools.REVOKED, issued / 2);
		List<String> chosen = new ArrayList<>();
		List<Integer> chosenOwners = new ArrayList<>();
		for (int i = 0; i < pool.length() && chosen.size() < count; i++) {
			if (pool.get(i) != null) {
				chosen.add(pool.get(i));
				chosenOwners.add(owners.get(i));
			}
		}
		LOG.line("revoking %,d tokens through POST %s", chosen.size(), this.endpoints.revocation());
		ClosedLoop.Outcome outcome = ClosedLoop.run(8, Duration.ZERO, Duration.ofMinutes(10), chosen.size(),
				(worker, i) -> {
					ProviderClient.status200(this.requests.revoke(chosenOwners.get((int) i), chosen.get((int) i)));
					return true;
				});
		if (outcome.errors() > 0 || chosen.isEmpty()) {
			throw new IllegalStateException("revoking tokens failed: "
					+ (chosen.isEmpty() ? "no token was issued in the first run" : outcome.firstError()));
		}
		this.revokedCount = chosen.size();
		return chosen;
	}

	/** One round of the initial warm-up: a token, its introspection, its revocation. */
	private boolean warmUp(int agent) throws Exception {
		var response = this.requests.issue(agent);
		if (response.statusCode() != 200) {
			return false;
		}
		String token = ProviderClient.accessToken(response.body());
		if (this.requests.introspect(token).statusCode() != 200) {
			return false;
		}
		return this.revocationUnavailable != null || this.requests.revoke(agent, token).statusCode() == 200;
	}

	// --- reporting ---------------------------------------------------------------------

	private String table(String server) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"Keycloak %s, heap %s, %s, database pool %s, one node (local caches), production mode "
						+ "(start --optimized, HTTP). Keycloak writes no database row per issued token (a "
						+ "client-credentials grant gets a transient session and no refresh token; events are "
						+ "off by default) and keeps no audit chain, so its issuance and introspection figures do "
						+ "not pay for the per-token row and audit record the provider writes; it does write one "
						+ "row per revoked token (its revoked_token table).%n%n",
				server, this.options.get("heap", "?"), this.options.get("db", "PostgreSQL"),
				this.options.get("db-pool", "?")));
		this.report.appendTable(out, "Keycloak");
		out.append(String.format(Locale.ROOT,
				"Runs: %d; each measured window %d s after a %d s warm-up, after an initial warm-up of %s s; latency "
						+ "percentiles are the median over the runs. Keycloak CPU is its JVM's process_cpu_usage "
						+ "(Micrometer, from its /metrics on the management port, sampled once a second), the "
						+ "load generator's is its own process CPU; both are the mean share of the whole machine "
						+ "(all cores = 100%%), as in bench/run; PostgreSQL CPU is that of the backends connected to "
						+ "Keycloak's database (from /proc). Heap: the largest sum of "
						+ "jvm_memory_used_bytes{area=\"heap\"} seen.%n",
				this.windows.runs(), this.windows.duration().toSeconds(), this.windows.warmup().toSeconds(),
				this.options.get("initial-warmup", "120")));
		out.append(String.format(Locale.ROOT,
				"%nEvery issuance sends a fresh Ed25519 assertion (new jti; aud = the realm's issuer %s; Keycloak "
						+ "keeps each jti in its single-use cache to refuse replays) and asks for scope=crm:read "
						+ "(a client scope, default-optional in the realm; the token also carries the scopes "
						+ "Keycloak gives every new client by default: profile, email and others); Keycloak "
						+ "signs its access tokens %s%s and they live %d s. Introspection: the client bench-rs with HTTP "
						+ "Basic (client secret), over the up to %,d tokens issued in the issuance phase.%n",
				this.endpoints.issuer(), this.tokenAlgorithm,
				"RS256".equals(this.tokenAlgorithm) ? " (its default, RSA 2048; the provider signs EdDSA)"
						: " (an Ed25519 realm key, as the provider's)",
				TOKEN_LIFESPAN, TokenPools.SIZE));
		if (this.revocationUnavailable == null) {
			out.append(String.format(Locale.ROOT,
					"%nRevoked tokens: %,d tokens of the first run's issuance (at most %,d, at most half of "
							+ "those issued), each revoked by its own client (POST /revoke, RFC 7009, with its "
							+ "assertion); Keycloak records the revoked jti in its revoked-token store until the "
							+ "token would expire.%n",
					this.revokedCount, TokenPools.REVOKED));
		}
		this.database.appendTo(out);
		this.report.appendNotes(out);
		return out.toString();
	}

}
