package dev.agentidp.app.security;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.tokens.AccessTokenMinter;
import dev.agentidp.tokens.TokenGrant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits and the clock: OAuth request bodies over 64 KiB are 413; after
 * {@code idp.tokens.max-failed-authentications-per-minute} failures from one address a
 * client is refused from that address without its assertion being verified, and that is
 * audited; an exhausted connection pool is 503 with {@code Retry-After} within Hikari's
 * connection timeout, on the OAuth endpoints and the admin API alike;
 * {@code idp.tokens.clock-skew} (here 20 s) is tolerated on {@code exp}, {@code nbf} and
 * {@code iat}, and not a second more than that (checked 5 s inside and 5 s outside it);
 * and a client assertion may expire no further ahead than
 * {@code idp.tokens.max-client-assertion-lifetime} (here 5 minutes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class LimitsAndClockTests {

	static final Duration SKEW = Duration.ofSeconds(20);

	static final int POOL = 4;

	@TempDir
	static Path dataDir;

	private TestProvider provider;

	private String admin;

	@BeforeAll
	void start() {
		this.provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "idp.tokens.clock-skew", "20s",
				"idp.tokens.max-failed-authentications-per-minute", "3", "idp.tokens.max-client-assertion-lifetime",
				"5m", "spring.datasource.hikari.maximum-pool-size", String.valueOf(POOL),
				"spring.datasource.hikari.connection-timeout", "1000");
		this.admin = this.provider.adminToken();
	}

	@AfterAll
	void stop() {
		this.provider.close();
	}

	// --- body size ---------------------------------------------------------------------

	@Test
	void oauthBodiesOverSixtyFourKibAreRefusedWith413AndAnOAuthError() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		String body = TestHttp.encode(agent.tokenForm("crm:read")) + "&pad=" + "x".repeat(70_000);
		long tokens = this.provider.rows("issued_token");
		HttpResponse<String> declared = this.provider.send(this.provider.request("/oauth2/token")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
		assertThat(declared.statusCode()).isEqualTo(413);
		assertThat(TestHttp.json(declared).get("error").asString()).isEqualTo("invalid_request");
		HttpResponse<String> chunked = this.provider.send(this.provider.request("/oauth2/token")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
			.build());
		assertThat(chunked.statusCode()).isEqualTo(413);
		assertThat(TestHttp.json(chunked).get("error").asString()).isEqualTo("invalid_request");
		assertThat(this.provider.rows("issued_token")).isEqualTo(tokens);
		// just under the limit is still read and answered on its merits
		String small = TestHttp.encode(agent.tokenForm("crm:read")) + "&pad=" + "x".repeat(60_000);
		assertThat(this.provider
			.send(this.provider.request("/oauth2/token")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(small))
				.build())
			.statusCode()).isEqualTo(200);
	}

	// --- failed authentications
	// -----------------------------------------------------------

	@Test
	void afterTheCapOfFailedAuthenticationsFromOneAddressEvenAValidAssertionFromItIsRefusedUnverifiedAndAudited() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		TestAgent bystander = this.provider.registerAgent(this.admin, "crm:read");
		TestAgent forger = this.provider.registerAgent(this.admin, "crm:read");
		for (int i = 0; i < 3; i++) {
			// signed with another agent's key: a failed signature check
			String forged = forger.sign(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(agent.key().getKeyID()).build(),
					agent.claims().build());
			assertThat(this.provider.postForm("/oauth2/token", agent.formWith(forged, "crm:read")).statusCode())
				.isEqualTo(401);
		}
		String valid = agent.assertion();
		HttpResponse<String> refused = this.provider.postForm("/oauth2/token", agent.formWith(valid, "crm:read"));
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(refused).get("error").asString()).isEqualTo("invalid_client");
		// the valid assertion was never verified: its jti was not even consumed
		String jti = TestHttp.claims(valid).get("jti").asString();
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM client_assertion WHERE jti = ?")
			.param(jti)
			.query(Long.class)
			.single()).isZero();
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied' AND reason LIKE ?")
			.params(agent.id(), "%too many failed authentications%")
			.query(Long.class)
			.single()).isEqualTo(1);
		// the cap is per client: another agent is not affected
		assertThat(this.provider.postForm("/oauth2/token", bystander.tokenForm("crm:read")).statusCode())
			.isEqualTo(200);
		// and per source address (issue 14, item 4): the agent itself, from another
		// address, is not locked out
		HttpResponse<String> elsewhere = this.provider.postFormFrom("127.0.0.2", "/oauth2/token",
				agent.tokenForm("crm:read"));
		assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
	}

	@Test
	void aFailureOnAnAgentThisNodeHasSeenCountsOnceAgainstTheCap() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		TestAgent forger = this.provider.registerAgent(this.admin, "crm:read");
		// seen by this node: the next assertions are tried on the agent as last seen,
		// then refused on the registry's agent (LastSeenAgentAuthentication)
		assertThat(this.provider.postFormFrom("127.0.0.3", "/oauth2/token", agent.tokenForm("crm:read")).statusCode())
			.isEqualTo(200);
		for (int i = 0; i < 2; i++) {
			String forged = forger.sign(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(agent.key().getKeyID()).build(),
					agent.claims().build());
			assertThat(this.provider.postFormFrom("127.0.0.3", "/oauth2/token", agent.formWith(forged, "crm:read"))
				.statusCode()).isEqualTo(401);
		}
		// two failures under a cap of three: counted twice each, this would be refused
		HttpResponse<String> valid = this.provider.postFormFrom("127.0.0.3", "/oauth2/token",
				agent.tokenForm("crm:read"));
		assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied'")
			.param(agent.id())
			.query(Long.class)
			.single()).as("one denial audited per refused request").isEqualTo(2);
	}

	// --- database exhaustion
	// ---------------------------------------------------------------

	@Test
	void anExhaustedConnectionPoolIsAnswered503WithRetryAfterNotAHang() throws Exception {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		DataSource dataSource = this.provider.context().getBean(DataSource.class);
		List<Connection> held = new ArrayList<>();
		try {
			for (int i = 0; i < POOL; i++) {
				held.add(dataSource.getConnection());
			}
			long started = System.nanoTime();
			HttpResponse<String> token = this.provider.postForm("/oauth2/token", agent.tokenForm("crm:read"));
			HttpResponse<String> basic = this.provider.postForm("/oauth2/token",
					Map.of("grant_type", "client_credentials", "scope", "idp:admin"), "idp-admin",
					TestProvider.ADMIN_SECRET);
			HttpResponse<String> adminApi = this.provider.get("/admin/v1/agents", this.admin);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
			for (HttpResponse<String> response : List.of(token, basic)) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
				assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
				assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("temporarily_unavailable");
			}
			assertThat(adminApi.statusCode()).as(adminApi.body()).isEqualTo(503);
			assertThat(adminApi.headers().firstValue("Retry-After")).hasValue("5");
			assertThat(adminApi.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			for (HttpResponse<String> response : List.of(token, basic, adminApi)) {
				assertThat(response.body()).doesNotContain("Exception").doesNotContain("Hikari");
			}
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
		// and it serves again at once
		assertThat(this.provider.postForm("/oauth2/token", agent.tokenForm("crm:read")).statusCode()).isEqualTo(200);
		assertThat(this.provider.get("/admin/v1/agents", this.admin).statusCode()).isEqualTo(200);
	}

	// --- clock skew
	// -------------------------------------------------------------------------

	@Test
	void assertionExpiryIsToleratedWithinTheSkewAndNoFurther() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		// RFC 7523 §3 (4): exp, allowing for a small clock skew
		assertThat(tokenWith(agent,
				(c) -> c.issueTime(ago(Duration.ofSeconds(90))).expirationTime(ago(SKEW.minusSeconds(5)))))
			.isEqualTo(200);
		assertThat(tokenWith(agent,
				(c) -> c.issueTime(ago(Duration.ofSeconds(90))).expirationTime(ago(SKEW.plusSeconds(5)))))
			.isEqualTo(401);
	}

	@Test
	void assertionNotBeforeIsToleratedWithinTheSkewAndNoFurther() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		// RFC 7523 §3 (5): nbf, allowing for a small clock skew
		assertThat(tokenWith(agent, (c) -> c.notBeforeTime(ahead(SKEW.minusSeconds(5))))).isEqualTo(200);
		assertThat(tokenWith(agent, (c) -> c.notBeforeTime(ahead(SKEW.plusSeconds(5))))).isEqualTo(401);
	}

	@Test
	void assertionIssuedAtIsToleratedWithinTheSkewAndNoFurther() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		// RFC 7523 §3 (6): iat in the future only within the skew
		assertThat(tokenWith(agent, (c) -> c.issueTime(ahead(SKEW.minusSeconds(5))))).isEqualTo(200);
		assertThat(tokenWith(agent, (c) -> c.issueTime(ahead(SKEW.plusSeconds(5))))).isEqualTo(401);
	}

	// --- assertion lifetime
	// -----------------------------------------------------------------

	@Test
	void aConfiguredFiveMinuteAssertionLifetimeRefusesAnAssertionThatExpiresTenMinutesAhead() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		assertThat(tokenWith(agent, (c) -> c.expirationTime(ahead(Duration.ofMinutes(4))))).isEqualTo(200);
		HttpResponse<String> refused = this.provider.postForm("/oauth2/token",
				agent.formWith(agent.assertion((c) -> c.expirationTime(ahead(Duration.ofMinutes(10))), (header) -> {
				}), "crm:read"));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		assertThat(TestHttp.json(refused).get("error").asString()).isEqualTo("invalid_client");
		assertThat(TestHttp.json(refused).get("error_description").asString())
			.contains("expires more than 5 minutes ahead");
	}

	@Test
	void adminAccessTokensAreAcceptedWithinTheSkewAndNoFurther() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		// RFC 7519 §4.1.5: nbf, "some small leeway" for clock skew
		assertThat(whoami(adminToken(now.plus(SKEW.minusSeconds(5)), now.plusSeconds(600)))).isEqualTo(200);
		assertThat(whoami(adminToken(now.plus(SKEW.plusSeconds(5)), now.plusSeconds(600)))).isEqualTo(401);
		// RFC 7519 §4.1.4: exp; beyond the skew a token is refused
		assertThat(whoami(adminToken(now.minusSeconds(600), now.minus(SKEW.plusSeconds(5))))).isEqualTo(401);
	}

	private int tokenWith(TestAgent agent, java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> claims) {
		HttpResponse<String> response = this.provider.postForm("/oauth2/token",
				agent.formWith(agent.assertion(claims, (header) -> {
				}), "crm:read"));
		return response.statusCode();
	}

	private int whoami(String token) {
		return this.provider.get("/admin/v1/whoami", token).statusCode();
	}

	private String adminToken(Instant issuedAt, Instant expiresAt) {
		AccessTokenMinter minter = this.provider.context().getBean(AccessTokenMinter.class);
		TransactionTemplate transactions = this.provider.context().getBean(TransactionTemplate.class);
		TokenGrant grant = new TokenGrant(TokenGrant.Holder.client("idp-admin", null), Set.of("idp:admin"),
				List.of(this.provider.baseUrl()), null, issuedAt, expiresAt, TokenGrant.Derivation.NONE, null);
		return transactions.execute((status) -> minter.mint(grant, this.provider.baseUrl()).value());
	}

	private static Date ago(Duration duration) {
		return Date.from(Instant.now().minus(duration));
	}

	private static Date ahead(Duration duration) {
		return Date.from(Instant.now().plus(duration));
	}

}
