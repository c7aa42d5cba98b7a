package dev.agentidp.app.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, items 3 and 4 and the unrecordable denial: a bounded flood of anonymous
 * refusals (admin calls without a token, garbage assertions of unknown clients) does not
 * slow token issuance down and every refusal is recorded or counted in a summary record;
 * an attacker hammering a victim agent's id from one address neither locks the victim out
 * from its own address nor writes one record per failure on the victim's chain; and a
 * refusal whose record cannot be written is still refused with its RFC 6749 error and
 * counted in {@code idp.audit.refusal.unrecorded}. Sources are loopback addresses
 * (127.0.0.1 to 127.0.0.5), the flood stops by itself after a fixed number of requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class RefusalFloodTests {

	static final int FLOOD_THREADS = 30;

	static final int FLOOD_REQUESTS_PER_THREAD = 40;

	@TempDir
	static Path dataDir;

	private TestDatabase.Schema schema;

	private TestProvider provider;

	private String admin;

	@BeforeAll
	void start() {
		this.schema = TestDatabase.newSchema();
		this.provider = TestProvider.start(this.schema, dataDir, "idp.issuer", "http://idp.test",
				"idp.tokens.max-failed-authentications-per-minute", "3", "idp.audit.refusals.interval", "3s");
		this.admin = this.provider.adminToken();
	}

	@AfterAll
	void stop() {
		this.provider.close();
	}

	// --- item 3: anonymous floods
	// --------------------------------------------------------

	/**
	 * The flood meets a slow {@code _system} chain: a transaction on a connection of its
	 * own holds the chain's head row while the flood runs, as a slow disk or a burst of
	 * appends does. Before the fix every anonymous refusal waited for that lock holding a
	 * pooled connection, the pool ran dry and issuance was answered 503 after Hikari's
	 * connection timeout; now at most a quarter of the pool waits for it and the rest is
	 * aggregated. The flood is paced (50 ms between a thread's requests) so that it tests
	 * the database path and not the CPU of a shared 2-core machine.
	 */
	@Test
	void aFloodOfAnonymousRefusalsDoesNotSlowIssuanceAndEveryRefusalIsRecordedOrCounted() throws Exception {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		for (int i = 0; i < 20; i++) {
			assertThat(issue(agent)).isEqualTo(200);
		}
		List<Long> unloaded = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			long started = System.nanoTime();
			assertThat(issue(agent)).isEqualTo(200);
			unloaded.add(System.nanoTime() - started);
		}
		long baseline = systemSeq();
		assertThat(baseline).isPositive();
		String base = this.provider.baseUrl();
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		ExecutorService pool = Executors.newFixedThreadPool(FLOOD_THREADS);
		List<Long> loaded = new ArrayList<>();
		List<Integer> statuses = new ArrayList<>();
		int refused = 0;
		try (Connection slow = DriverManager.getConnection(this.schema.url(), this.schema.username(),
				this.schema.password())) {
			slow.setAutoCommit(false);
			try (Statement lock = slow.createStatement()) {
				lock.execute("SELECT seq FROM audit_chain_head WHERE chain = '_system' FOR UPDATE");
			}
			List<Future<List<Integer>>> flood = new ArrayList<>();
			for (int t = 0; t < FLOOD_THREADS; t++) {
				flood.add(pool.submit(() -> {
					List<Integer> answers = new ArrayList<>();
					for (int i = 0; i < FLOOD_REQUESTS_PER_THREAD; i++) {
						HttpRequest request = (i % 2 == 0)
								? HttpRequest.newBuilder(URI.create(base + "/admin/v1/agents"))
									.timeout(Duration.ofSeconds(60))
									.GET()
									.build()
								: HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
									.timeout(Duration.ofSeconds(60))
									.header("Content-Type", "application/x-www-form-urlencoded")
									.POST(HttpRequest.BodyPublishers.ofString(TestHttp
										.encode(Map.of("grant_type", "client_credentials", "client_id",
												(i % 4 == 1) ? UUID.randomUUID().toString()
														: "unknown-" + UUID.randomUUID(),
												"client_assertion_type", TestAgent.ASSERTION_TYPE, "client_assertion",
												"garbage." + i + ".x"))))
									.build();
						answers.add(TestHttp.send(client, request).statusCode());
						Thread.sleep(50);
					}
					return answers;
				}));
			}
			// issue while the flood runs and the _system chain is held
			long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			while (System.nanoTime() < until) {
				long started = System.nanoTime();
				statuses.add(issue(agent));
				loaded.add(System.nanoTime() - started);
			}
			slow.rollback();
			for (Future<List<Integer>> answers : flood) {
				for (int status : answers.get()) {
					assertThat(status).isEqualTo(401);
					refused++;
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(refused).isEqualTo(FLOOD_THREADS * FLOOD_REQUESTS_PER_THREAD);
		// no issuance waited for a connection (503) or failed otherwise
		assertThat(statuses).isNotEmpty().allMatch((status) -> status == 200);
		long unloadedP99 = p99(unloaded);
		long loadedP99 = p99(loaded);
		// 2× the unloaded p99, at least 250 ms on a shared 2-core machine (the flood's
		// own HTTP work competes for the CPU); waiting for a pooled connection takes up
		// to Hikari's 3 s connection timeout, and then answers 503
		assertThat(Duration.ofNanos(loadedP99))
			.as("issuance p99 under the flood (%d issuances; unloaded p99 %d ms)", loaded.size(),
					unloadedP99 / 1_000_000)
			.isLessThanOrEqualTo(Duration.ofNanos(Math.max(2 * unloadedP99, unloadedP99 + 250_000_000L)));
		// every refusal is on the _system chain, alone or counted in a summary record
		assertThat(awaitRefusalsOnChain("_system", baseline, refused)).isEqualTo(refused);
		// in far fewer records than refusals
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = '_system' AND seq > ?")
			.param(baseline)
			.query(Long.class)
			.single()).isLessThan(refused / 4);
		tools.jackson.databind.JsonNode verify = this.provider.verifyAudit(this.provider.adminToken());
		assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
	}

	// --- item 4: lock-out of a victim
	// ----------------------------------------------------

	@Test
	void anAttackerHammeringAVictimsIdDoesNotLockTheVictimOutFromItsOwnAddressAndIsAggregated() {
		TestAgent victim = this.provider.registerAgent(this.admin, "crm:read");
		TestAgent forger = this.provider.registerAgent(this.admin, "crm:read");
		long baseline = chainSeq(victim.id());
		int attempts = 60;
		long started = System.nanoTime();
		for (int i = 0; i < attempts; i++) {
			// signed with another agent's key under the victim's kid: a failed signature
			String forged = forger.sign(
					new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(victim.key().getKeyID()).build(),
					victim.claims().build());
			assertThat(this.provider.postFormFrom("127.0.0.2", "/oauth2/token", victim.formWith(forged, "crm:read"))
				.statusCode()).isEqualTo(401);
		}
		// the attacker's address is throttled, even with a valid assertion ...
		HttpResponse<String> throttled = this.provider.postFormFrom("127.0.0.2", "/oauth2/token",
				victim.tokenForm("crm:read"));
		assertThat(throttled.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(throttled).get("error_description").asString()).contains("too many");
		// ... the victim's own address is not
		HttpResponse<String> own = this.provider.postFormFrom("127.0.0.3", "/oauth2/token",
				victim.tokenForm("crm:read"));
		assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
		// the victim's chain got a few records per interval (10 by default) and a count,
		// not one record per failure
		long intervals = Duration.ofNanos(System.nanoTime() - started).toSeconds() / 3 + 2;
		long individual = this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND seq > ? AND action = 'token.denied'"
					+ " AND details->>'count' IS NULL")
			.params(victim.id(), baseline)
			.query(Long.class)
			.single();
		assertThat(individual).isLessThanOrEqualTo(Math.min(10 * intervals, attempts / 2));
		assertThat(awaitRefusalsOnChain(victim.id(), baseline, attempts + 1)).isEqualTo(attempts + 1);
	}

	// --- a denial that cannot be recorded fails closed --------------------------------

	@Test
	void aRefusalThatCannotBeRecordedIsStillRefusedWithItsOAuthErrorAndCounted() {
		// make the record unwritable: a trigger refuses it (as a revoked privilege or an
		// unstorable value would)
		this.provider.jdbc().sql("""
				CREATE FUNCTION refuse_probe() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'audit write refused by the test'; END $$""").update();
		this.provider.jdbc()
			.sql("CREATE TRIGGER refuse_probe BEFORE INSERT ON audit_record FOR EACH ROW"
					+ " WHEN (NEW.actor = 'unrecordable-probe') EXECUTE FUNCTION refuse_probe()")
			.update();
		long baseline = systemSeq();
		MeterRegistry meters = this.provider.context().getBean(MeterRegistry.class);
		try {
			HttpResponse<String> refused = this.provider.postFormFrom("127.0.0.4", "/oauth2/token",
					Map.of("grant_type", "client_credentials", "client_id", "unrecordable-probe",
							"client_assertion_type", TestAgent.ASSERTION_TYPE, "client_assertion", "a.b.c"));
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
			assertThat(TestHttp.json(refused).get("error").asString()).isEqualTo("invalid_client");
			assertThat(TestHttp.json(refused).get("error_description").asString()).isNotBlank();
			Counter unrecorded = meters.find("idp.audit.refusal.unrecorded").counter();
			assertThat(unrecorded).isNotNull();
			assertThat(unrecorded.count()).isGreaterThanOrEqualTo(1);
			// and it is still counted in the summary of its source
			assertThat(awaitRefusalsOnChain("_system", baseline, 1)).isEqualTo(1);
		}
		finally {
			this.provider.jdbc().sql("DROP TRIGGER refuse_probe ON audit_record").update();
		}
	}

	// --- helpers ----------------------------------------------------------------------

	private int issue(TestAgent agent) {
		return this.provider.postForm("/oauth2/token", agent.tokenForm("crm:read")).statusCode();
	}

	private long systemSeq() {
		return chainSeq("_system");
	}

	private long chainSeq(String chain) {
		return this.provider.jdbc()
			.sql("SELECT coalesce(max(seq), 0) FROM audit_record WHERE chain = ?")
			.param(chain)
			.query(Long.class)
			.single();
	}

	/**
	 * The refusals recorded on a chain after a sequence number: one per record, or the
	 * record's {@code count} when it is a summary; waits up to 20 s for the summaries.
	 */
	private long awaitRefusalsOnChain(String chain, long after, long expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		long counted;
		do {
			counted = this.provider.jdbc()
				.sql("SELECT coalesce(sum(coalesce((details->>'count')::bigint, 1)), 0) FROM audit_record"
						+ " WHERE chain = ? AND seq > ? AND decision = 'deny'")
				.params(chain, after)
				.query(Long.class)
				.single();
			if (counted >= expected) {
				return counted;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return counted;
			}
		}
		while (System.nanoTime() < deadline);
		return counted;
	}

	private static long p99(List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
	}

}
