package dev.agentidp.app.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input on every endpoint, as a table: forged and malformed client assertions and
 * bearer tokens ({@code alg: none}, HS256 keyed with the public key, wrong {@code kid},
 * {@code crit}, nested JWTs, embedded keys, huge and deeply nested payloads, overflowing
 * numeric claims), unicode, control characters and SQL/JSON injection strings in every
 * field, duplicated parameters, wrong content types and huge bodies. Every case must be
 * answered with a 4xx in the endpoint's error format (RFC 6749 §5.2 JSON on OAuth
 * endpoints, RFC 9457 problem documents on the admin API), never a 5xx, without internal
 * detail, writing nothing but audit records; and the audit trail still verifies at the
 * end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public final class HostileInputTests {

	/** Strings that must never reach a client: they would tell it about our insides. */
	static final List<String> INTERNALS = List.of("Exception", "\tat ", "java.", "javax.", "jakarta.",
			"org.springframework", "dev.agentidp", "com.nimbusds", "tools.jackson", "org.postgresql", "PSQL",
			"SQLState", "Hikari", "Caused by", "syntax error", "org.apache", "Tomcat");

	/** Hostile values put into every field. */
	static final List<String> HOSTILE = List.of("' OR '1'='1' --", "\"; DROP TABLE agent; --",
			"'); DELETE FROM issued_token; --", "{\"$ne\":null}", "\"},\"admin\":true,\"x\":{\"", "a\u0000b",
			"x\r\nSet-Cookie: pwned=1", "\u202emalicious\u0645\uD83D\uDE00", "\uFFFF\uFFFE\uFEFF",
			"${jndi:ldap://127.0.0.1:1/x}", "../../../../etc/passwd", "%00%0d%0a%25", "\uD800", "");

	/** The issuer of {@link #workload}'s workload identity, trusted by nobody. */
	static final String WORKLOAD_ISSUER = "https://kubernetes.hostile.example";

	private TestProvider provider;

	private String admin;

	private TestAgent agent;

	private TestAgent other;

	/** An agent whose document needs approval for payments:refund (issue 19). */
	private TestAgent approver;

	private String agentToken;

	private String rsId;

	private String rsSecret;

	private OctetKeyPair attackerKey;

	/** A sub-agent of {@link #agent} with {@code crm:read}. */
	private String subAgentId;

	/** An agent whose {@code tokenPolicy.maxSubAgents} is 0, and a token of it. */
	private TestAgent childless;

	private String childlessToken;

	/**
	 * An agent that declares a workload identity of an issuer no administrator trusts
	 * (issue 21).
	 */
	private TestAgent workload;

	/** An agent that requires a client attestation of an attester nobody trusts. */
	private TestAgent attested;

	@BeforeAll
	void start() throws Exception {
		// the shared provider records every refusal on its own: this suite checks that
		// each hostile value is storable in a record (aggregation is RefusalFloodTests')
		this.provider = TestProvider.shared();
		this.admin = this.provider.adminToken();
		this.agent = this.provider.registerAgent(this.admin, "crm:read", "crm:write");
		this.other = this.provider.registerAgent(this.admin, "crm:read");
		this.approver = this.provider.agents(this.admin)
			.document("hostile-approvals")
			.scope("payments:refund", "critical")
			.tool("payments", "https://mcp.example.com/hostile-payments", "refund")
			.edit((document) -> {
				tools.jackson.databind.node.ObjectNode oversight = document.putObject("humanOversight");
				oversight.putArray("requiredFor").add("payments:refund");
				oversight.putArray("approvers").add("finance-lead");
			})
			.register();
		this.workload = this.provider.agents(this.admin)
			.document("hostile-workload")
			.scopes("crm:read")
			.edit((document) -> document.putArray("workloadIdentity")
				.addObject()
				.put("issuer", WORKLOAD_ISSUER)
				.put("subject", "system:serviceaccount:hostile:agent"))
			.register();
		this.attested = this.provider.agents(this.admin).document("hostile-attested").scopes("crm:read").edit((doc) -> {
			tools.jackson.databind.node.ObjectNode attestation = doc.putObject("attestation");
			attestation.put("required", true);
			attestation.putArray("attesters").add("https://attester.hostile.example");
			attestation.putObject("claims").put("image_digest", "sha256:" + "0".repeat(64));
		}).register();
		this.agentToken = TestHttp.json(this.provider.postForm("/oauth2/token", this.agent.tokenForm("crm:read")))
			.get("access_token")
			.asString();
		HttpResponse<String> rs = this.provider.postJson("/admin/v1/clients",
				"{\"name\":\"hostile-rs\",\"kind\":\"resource_server\",\"scopes\":[]}", this.admin);
		assertThat(rs.statusCode()).as(rs.body()).isEqualTo(201);
		this.rsId = TestHttp.json(rs).get("clientId").asString();
		this.rsSecret = TestHttp.json(rs).get("clientSecret").asString();
		this.attackerKey = new OctetKeyPairGenerator(Curve.Ed25519).keyIDFromThumbprint(true).generate();
		HttpResponse<String> derived = this.provider.postForm("/oauth2/token",
				exchangeForm(this.agent, this.agentToken, "hostile-sub"));
		assertThat(derived.statusCode()).as(derived.body()).isEqualTo(200);
		this.subAgentId = TestHttp.json(derived).get("sub_agent_id").asString();
		HttpResponse<String> childless = this.provider.postJson("/admin/v1/agents",
				"{\"name\":\"childless\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"crm:read\","
						+ "\"riskLevel\":\"low\"}],\"tokenPolicy\":{\"maxSubAgents\":0},\"generateKey\":true}",
				this.admin);
		assertThat(childless.statusCode()).as(childless.body()).isEqualTo(201);
		this.childless = new TestAgent(TestHttp.json(childless).get("id").asString(),
				OctetKeyPair.parse(TestHttp.json(childless).get("privateJwk").toString()), this.provider.baseUrl());
		this.childlessToken = TestHttp
			.json(this.provider.postForm("/oauth2/token", this.childless.tokenForm("crm:read")))
			.get("access_token")
			.asString();
	}

	/** An RFC 8693 exchange of a token of the agent for one of its sub-agent. */
	private static Map<String, String> exchangeForm(TestAgent parent, String token, String subAgent) {
		Map<String, String> form = parent.tokenForm("crm:read");
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token", token);
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
		form.put("sub_agent", subAgent);
		return form;
	}

	@AfterAll
	void stop() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@TestFactory
	List<DynamicTest> everyHostileRequestIsRefusedCleanlyAndWritesNothing() {
		List<Case> cases = new ArrayList<>();
		tokenEndpointCases(cases);
		introspectionAndRevocationCases(cases);
		metadataCases(cases);
		adminCases(cases);
		reviewFindingCases(cases);
		policyCases(cases);
		backchannelCases(cases);
		List<DynamicTest> tests = new ArrayList<>();
		for (Case c : cases) {
			tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
		}
		tests.add(DynamicTest.dynamicTest("the audit trail still verifies after every hostile request", () -> {
			JsonNode verify = this.provider.verifyAudit(this.provider.adminToken());
			assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
		}));
		return tests;
	}

	/**
	 * Issue 14: a client_id whose 200-character cut fell inside a surrogate pair made the
	 * denial's audit record unstorable, and the denial went unaudited.
	 */
	@Test
	void aDenialOfAClientIdCutInsideASurrogatePairIsStillAudited() {
		String clientId = "b".repeat(199) + "\ud83d\ude00";
		long before = this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE action = 'token.denied' AND actor LIKE 'bbbbbbbbbb%'")
			.query(Long.class)
			.single();
		Response response = postForm("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", clientId,
				"client_assertion_type", TestAgent.ASSERTION_TYPE, "client_assertion", "garbage"));
		assertThat(response.status()).isBetween(400, 401);
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE action = 'token.denied' AND actor LIKE 'bbbbbbbbbb%'")
			.query(Long.class)
			.single()).isEqualTo(before + 1);
	}

	@Test
	void injectionStringsInFreeTextFieldsAreStoredVerbatimAndExecuteNothing() {
		String admin = this.provider.adminToken();
		for (String value : List.of("' OR '1'='1' --", "\"; DROP TABLE agent; --", "{\"$ne\":null}",
				"\u202e\u0645\uD83D\uDE00", "${jndi:ldap://127.0.0.1:1/x}")) {
			String body = "{\"name\":\"free-" + UUID.randomUUID() + "\",\"owner\":\"o@example.com\",\"description\":"
					+ TestHttp.JSON.writeValueAsString(value) + ",\"capabilities\":[{\"scope\":\"a:b\","
					+ "\"riskLevel\":\"low\"}],\"generateKey\":true}";
			HttpResponse<String> created = this.provider.postJson("/admin/v1/agents", body, admin);
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String id = TestHttp.json(created).get("id").asString();
			assertThat(TestHttp.json(this.provider.get("/admin/v1/agents/" + id, admin)).get("description").asString())
				.isEqualTo(value);
		}
		assertThat(this.provider.rows("agent")).isPositive();
		assertThat(this.provider.rows("issued_token")).isPositive();
	}

	// --- the check every case goes through
	// ------------------------------------------------

	private void check(Case c) {
		try {
			checkCase(c);
		}
		catch (AssertionError ex) {
			throw new AssertionError(c.name() + ": " + ex.getMessage(), ex);
		}
	}

	private void checkCase(Case c) {
		Map<String, Long> before = this.provider.guardedRows();
		Response response = c.request().get();
		String body = response.body();
		assertThat(response.status()).as("status of %s: %s", c.name(), abbreviate(body)).isLessThan(500);
		if (c.expect() == Expect.CONTAINER) {
			assertThat(response).as("answer to %s", c.name())
				.satisfiesAnyOf((r) -> assertThat(r.status()).isEqualTo(400),
						(r) -> assertThat(r).isSameAs(Response.CLOSED));
			for (String internal : INTERNALS) {
				assertThat(body).as("body of %s", c.name()).doesNotContain(internal);
			}
			assertThat(this.provider.guardedRows()).as("rows after %s", c.name()).isEqualTo(before);
			return;
		}
		for (String internal : INTERNALS) {
			assertThat(body).as("body of %s", c.name()).doesNotContain(internal);
		}
		switch (c.expect()) {
			case OAUTH_ERROR -> {
				assertThat(response.status()).as(abbreviate(body)).isBetween(400, 499);
				assertThat(response.contentType()).as(abbreviate(body)).startsWith("application/json");
				JsonNode error = TestHttp.JSON.readTree(body);
				assertThat(error.get("error").asString()).isIn("invalid_request", "invalid_client", "invalid_grant",
						"unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_target",
						"invalid_token", "invalid_authorization_details", "invalid_binding_message", "unknown_user_id");
				assertDescribed(c, response);
			}
			case PROBLEM -> {
				assertThat(response.status()).as(abbreviate(body)).isBetween(400, 499);
				assertThat(response.contentType()).as(abbreviate(body)).startsWith("application/problem+json");
				JsonNode problem = TestHttp.JSON.readTree(body);
				assertThat(problem.get("status").asInt()).isEqualTo(response.status());
				assertThat(problem.get("title").asString()).isNotBlank();
			}
			case INACTIVE -> {
				assertThat(response.status()).isEqualTo(200);
				assertThat(body.replace(" ", "")).isEqualTo("{\"active\":false}");
			}
			case NOT_AN_ERROR -> {
				assertThat(response.status()).as(abbreviate(body)).isBetween(200, 499);
				assertDescribed(c, response);
			}
			case CONTAINER -> throw new IllegalStateException("handled above");
			case ISSUED -> {
				assertThat(response.status()).as(abbreviate(body)).isEqualTo(200);
				before.merge("issued_token", 1L, Long::sum);
			}
		}
		assertThat(this.provider.guardedRows()).as("rows after %s", c.name()).isEqualTo(before);
	}

	/**
	 * A 400 or 401 answered with an RFC 6749 §5.2 error object (the token, introspection
	 * and revocation endpoints) says what was wrong in a non-empty
	 * {@code error_description}.
	 */
	private static void assertDescribed(Case c, Response response) {
		if ((response.status() != 400 && response.status() != 401)
				|| !response.contentType().startsWith("application/json")) {
			return;
		}
		JsonNode error = TestHttp.JSON.readTree(response.body());
		if (!error.has("error")) {
			return;
		}
		String description = error.hasNonNull("error_description") ? error.get("error_description").asString() : "";
		assertThat(description)
			.as("error_description of %s (%d): %s", c.name(), response.status(), abbreviate(response.body()))
			.isNotBlank();
	}

	/**
	 * The inputs of the outside review (issue 14) that were answered 500 or left a denial
	 * unaudited: each must be a clean 4xx that changes nothing.
	 */
	private void reviewFindingCases(List<Case> cases) {
		cases.add(adminJson("revoke with a reason of 1,100 characters", "POST", "/admin/v1/tokens/revoke",
				"{\"jti\":\"x\",\"reason\":\"" + "A".repeat(1100) + "\"}"));
		// JSON escapes of lone surrogates, as the client wrote them (an HTTP client would
		// replace a lone surrogate in a Java string before sending it)
		for (String lone : List.of("\\ud800", "\\udfff", "a\\ud83d", "\\ude00b")) {
			cases.add(adminJson("revoke task with the lone surrogate " + lone, "POST", "/admin/v1/tokens/revoke",
					"{\"task\":\"" + lone + "\"}"));
			cases.add(adminJson("revoke jti with the lone surrogate " + lone, "POST", "/admin/v1/tokens/revoke",
					"{\"jti\":\"" + lone + "\"}"));
			cases.add(adminJson("revoke reason with the lone surrogate " + lone, "POST", "/admin/v1/tokens/revoke",
					"{\"jti\":\"x\",\"reason\":\"" + lone + "\"}"));
			cases.add(adminJson("agent name with the lone surrogate " + lone, "POST", "/admin/v1/agents",
					"{\"name\":\"" + lone + "\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a:b\"}],"
							+ "\"generateKey\":true}"));
			cases.add(adminJson("a member name with the lone surrogate " + lone, "POST", "/admin/v1/agents",
					"{\"" + lone + "\":1}"));
		}
		for (String instant : List.of("%2B999999-01-01T00:00:00Z", "-999999-01-01T00:00:00Z", "%2B10000-01-01")) {
			cases.add(new Case("admin: audit from " + instant, Expect.PROBLEM,
					() -> request("GET", "/admin/v1/audit?from=" + instant, null, null, this.admin)));
			cases.add(new Case("admin: audit to " + instant, Expect.PROBLEM,
					() -> request("GET", "/admin/v1/audit?to=" + instant, null, null, this.admin)));
		}
		// a cursor whose time is out of PostgreSQL's range ("v1:" is the cursor's
		// version)
		String farCursor = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("v1:" + Long.MAX_VALUE + ":1:chain").getBytes(StandardCharsets.UTF_8));
		cases.add(new Case("admin: audit cursor with a time out of range", Expect.PROBLEM,
				() -> request("GET", "/admin/v1/audit?cursor=" + farCursor, null, null, this.admin)));
		for (String malformed : List.of("%00%ff", "%ff", "%c3%28", "%ed%a0%80")) {
			cases.add(new Case("admin: audit cursor " + malformed, Expect.PROBLEM,
					() -> request("GET", "/admin/v1/audit?cursor=" + malformed, null, null, this.admin)));
		}
		// encoded spellings of the endpoints skipped the provider's own request filters
		for (String path : List.of("/%6Fauth2/token", "/oauth2/%74oken", "/%6f%61uth2/token")) {
			cases.add(new Case("token: the encoded path " + path + " with valid admin credentials", Expect.OAUTH_ERROR,
					() -> postBasic(path, Map.of("grant_type", "client_credentials", "scope", "idp:admin"), "idp-admin",
							TestProvider.ADMIN_SECRET)));
		}
		cases.add(new Case("introspection: the encoded path /oauth2/%69ntrospect", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/%69ntrospect", Map.of("token", this.agentToken), "idp-admin",
						TestProvider.ADMIN_SECRET)));
		cases.add(new Case("admin: the encoded path /admin/v1/%61gents", Expect.PROBLEM,
				() -> request("GET", "/admin/v1/%61gents", null, null, this.admin)));
		// issue 14, item 18: only true or false retires a key with its tokens (Spring
		// would read 1, yes and on as true)
		for (String value : List.of("1", "yes", "on", "TRUE", "maybe", "%00")) {
			cases.add(
					new Case("admin: retire a key with revokeTokens=" + value, Expect.PROBLEM,
							() -> request(
									"DELETE", "/admin/v1/agents/" + this.agent.id() + "/keys/"
											+ this.agent.key().getKeyID() + "?revokeTokens=" + value,
									null, null, this.admin)));
		}
		// issue 14, item 9: the new client and signing-key endpoints
		for (String id : List.of("no-such-client", "%00", "..%2F..%2Fetc", "a".repeat(300), "%E2%80%AE")) {
			cases.add(adminJson("disable the client " + id, "POST", "/admin/v1/clients/" + id + "/disable", "{}"));
			cases.add(adminJson("read the client " + id, "GET", "/admin/v1/clients/" + id, null));
		}
		for (String cursor : List.of("%00%ff", "bm90LWEtY3Vyc29y", "-1")) {
			cases.add(adminJson("clients cursor " + cursor, "GET", "/admin/v1/clients?cursor=" + cursor, null));
		}
		cases.add(adminJson("clients limit 0", "GET", "/admin/v1/clients?limit=0", null));
		for (String body : List.of("{\"algorithm\":\"RS256\"}", "{\"algorithm\":\"none\"}",
				"{\"algorithm\":\"\\ud800\"}", "{\"algorithm\":[\"ES256\"]}", "{\"kid\":\"mine\"}", "[]", "not json")) {
			cases.add(adminJson("rotate the signing key with " + body, "POST", "/admin/v1/signing-keys/rotate", body));
		}
		// issue 20: webhook subscriptions (docs/signals.md)
		for (String body : List.of("{\"url\":\"https://example.com/\\ud800\",\"events\":[\"token.revoked\"]}",
				"{\"url\":\"https://example.com/\\u0000\",\"events\":[\"token.revoked\"]}",
				"{\"url\":\"https://" + "a".repeat(3000) + ".example\",\"events\":[\"token.revoked\"]}",
				"{\"url\":\"https://example.com/\",\"events\":[{\"type\":\"token.revoked\"}]}",
				"{\"url\":\"https://example.com/\",\"events\":\"token.revoked\"}",
				"{\"url\":\"https://example.com/\",\"events\":[\"token.revoked\",\"token.revoked\"]}",
				"{\"url\":\"https://example.com/\",\"events\":[\"token.revoked\"],\"secret\":\"" + "\\u0001".repeat(40)
						+ "\"}",
				"{\"url\":\"file:///etc/passwd\",\"events\":[\"token.revoked\"]}",
				"{\"url\":\"https://example.com/\",\"url\":\"https://evil.example/\",\"events\":[\"token.revoked\"]}",
				"[]", "not json")) {
			cases.add(adminJson("webhook subscription " + printable(body), "POST", "/admin/v1/webhooks", body));
		}
		for (String path : List.of("/admin/v1/webhooks/%00", "/admin/v1/webhooks/" + "a".repeat(300),
				"/admin/v1/webhooks/00000000-0000-0000-0000-000000000000/deliveries?limit=0",
				"/admin/v1/webhooks/00000000-0000-0000-0000-000000000000/deliveries?limit=abc")) {
			cases.add(adminJson("webhook read " + printable(path), "GET", path, null));
		}
		// issue 21: trusted issuers and workload identities
		for (String body : List.of("[]", "not json", "{}", "{\"issuer\":\"\\ud800\",\"kind\":\"oidc\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"vault\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":[\"oidc\"]}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"jwks\":\"keys\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\",\"kid\":\"x\"}]}}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"jwks\":{\"keys\":\"x\"}}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"jwksUri\":\"file:///etc/passwd\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"audiences\":\"x\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"subjectPattern\":\"[\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"maxTokenAgeSeconds\":1e99}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"maxTokenAgeSeconds\":-1}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"spiffe\",\"trustDomain\":\"Evil Domain\"}",
				"{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"id\":\"x\"}")) {
			cases.add(adminJson("add a trusted issuer " + body, "POST", "/admin/v1/trusted-issuers", body));
		}
		for (String id : List.of("no-such-issuer", "%00", UUID.randomUUID().toString())) {
			cases.add(adminJson("read the trusted issuer " + id, "GET", "/admin/v1/trusted-issuers/" + id, null));
			cases.add(adminJson("patch the trusted issuer " + id, "PATCH", "/admin/v1/trusted-issuers/" + id,
					"{\"maxTokenAgeSeconds\":60}"));
			cases.add(adminJson("remove the trusted issuer " + id, "DELETE", "/admin/v1/trusted-issuers/" + id, null));
		}
		JWTClaimsSet serviceAccount = new JWTClaimsSet.Builder().issuer(WORKLOAD_ISSUER)
			.subject("system:serviceaccount:hostile:agent")
			.audience(this.provider.issuer())
			.issueTime(new Date())
			.expirationTime(new Date(System.currentTimeMillis() + 600_000))
			.build();
		cases.add(token("a workload identity's token with alg none",
				() -> this.workload.formWith(new PlainJWT(serviceAccount).serialize(), "crm:read")));
		cases.add(token("a workload identity's token signed with HMAC", () -> {
			try {
				SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), serviceAccount);
				hmac.sign(new MACSigner(new byte[32]));
				return this.workload.formWith(hmac.serialize(), "crm:read");
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}));
		cases.add(token("a workload identity's token from an issuer nobody trusts",
				() -> this.workload.formWith(this.workload.sign(
						new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(this.workload.key().getKeyID()).build(),
						serviceAccount), "crm:read")));
		// issue 21: client attestation headers
		cases.add(token("an agent that requires attestation, without it", () -> this.attested.tokenForm("crm:read")));
		for (String value : List.of("not a jwt", "", "\u0000", "a.b.c", "eyJhbGciOiJub25lIn0.e30.")) {
			cases.add(new Case("token: an attestation header " + value, Expect.OAUTH_ERROR,
					() -> send(HttpRequest.newBuilder(URI.create(this.provider.baseUrl() + "/oauth2/token"))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.header("OAuth-Client-Attestation", value.isEmpty() ? "x" : value.replace("\u0000", "%00"))
						.header("OAuth-Client-Attestation-PoP", "a.b.c")
						.POST(HttpRequest.BodyPublishers.ofString(TestHttp.encode(this.attested.tokenForm("crm:read"))))
						.build())));
		}
		cases.add(adminJson("disable a client with a reason of 1,100 characters", "POST",
				"/admin/v1/clients/idp-admin/disable", "{\"reason\":\"" + "A".repeat(1100) + "\"}"));
		// issue 14, items 2, 8 and 10: the registry's rules
		cases.add(token("a resource the agent does not declare", () -> {
			Map<String, String> form = this.agent.tokenForm("crm:read");
			form.put("resource", "https://evil.example.com/");
			return form;
		}));
		cases.add(token("a new sub-agent beyond tokenPolicy.maxSubAgents",
				() -> exchangeForm(this.childless, this.childlessToken, "one-too-many")));
		// issue 16: budget= is a plain decimal above 0 and at most 1e12, and needs a
		// document budget
		List<String> budgets = new java.util.ArrayList<>(HOSTILE);
		// an empty value counts as omitted (RFC 6749 §3.1): that exchange succeeds
		budgets.remove("");
		budgets.addAll(List.of("1e308", "-0", "NaN", "Infinity", "0." + "0".repeat(5000) + "1", "9".repeat(10_000), "1",
				"\u0661"));
		for (String budget : budgets) {
			cases.add(token("token exchange with budget=" + budget.substring(0, Math.min(budget.length(), 40)), () -> {
				Map<String, String> form = exchangeForm(this.agent, this.agentToken, "hostile-budget");
				form.put("budget", budget);
				return form;
			}));
		}
		cases.add(adminJson("PATCH a sub-agent's capabilities wider than its parent's", "PATCH",
				"/admin/v1/agents/" + this.subAgentId,
				"{\"capabilities\":[{\"scope\":\"crm:read\",\"riskLevel\":\"low\"},"
						+ "{\"scope\":\"admin:all\",\"riskLevel\":\"critical\"}]}"));
		for (String resources : List.of("[\"relative\"]", "[\"https://a.example.com/#f\"]", "\"https://a.example.com\"",
				"[\"https://a.example.com\",\"https://a.example.com\"]")) {
			cases.add(adminJson("resources " + resources, "POST", "/admin/v1/agents",
					"{\"name\":\"r\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a:b\","
							+ "\"riskLevel\":\"low\"}],\"resources\":" + resources + ",\"generateKey\":true}"));
		}
		for (String maxSubAgents : List.of("-1", "10001", "1e3", "\"5\"")) {
			cases.add(adminJson("tokenPolicy.maxSubAgents " + maxSubAgents, "PATCH",
					"/admin/v1/agents/" + this.agent.id(),
					"{\"tokenPolicy\":{\"maxSubAgents\":" + maxSubAgents + "}}"));
		}
		// a client_id cut at 200 characters inside a surrogate pair: still audited
		cases.add(token("client_id of 199 characters and an emoji, garbage assertion",
				() -> Map.of("grant_type", "client_credentials", "client_id", "a".repeat(199) + "\ud83d\ude00",
						"client_assertion_type", TestAgent.ASSERTION_TYPE, "client_assertion", "garbage")));
	}

	// --- OAuth: the token endpoint
	// ----------------------------------------------------------

	private void tokenEndpointCases(List<Case> cases) {
		TestAgent a = this.agent;
		String aud = this.provider.baseUrl();
		// forged and malformed assertions
		cases.add(token("assertion with alg none", () -> a.formWith(unsigned(a), "crm:read")));
		cases.add(token("assertion HS256-signed with the agent's public key as secret",
				() -> a.formWith(hmac(a), "crm:read")));
		cases.add(token("assertion with a kid the agent does not have", () -> a.formWith(a.assertion((c) -> {
		}, (h) -> h.keyID("no-such-kid")), "crm:read")));
		cases.add(
				token("assertion signed by another agent's key under this agent's kid",
						() -> a.formWith(this.other.sign(
								new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(a.key().getKeyID()).build(),
								a.claims().build()), "crm:read")));
		cases.add(token("assertion with an unknown crit header", () -> a.formWith(a.assertion((c) -> {
		}, (h) -> h.criticalParams(Set.of("urn:example:unknown")).customParam("urn:example:unknown", "x")),
				"crm:read")));
		cases.add(token("assertion with an embedded attacker jwk", () -> a.formWith(embeddedKey(a), "crm:read")));
		cases.add(token("assertion with jku and x5u pointing at loopback", () -> a.formWith(a.assertion((c) -> {
		}, (h) -> h.jwkURL(URI.create("http://127.0.0.1:1/jwks")).x509CertURL(URI.create("http://127.0.0.1:1/x5u"))),
				"crm:read")));
		cases.add(token("nested JWT: a signed JWS whose payload is another signed JWT",
				() -> a.formWith(nested(a), "crm:read")));
		cases.add(token("an access token presented as a client assertion",
				() -> a.formWith(this.agentToken, "crm:read")));
		cases.add(token("assertion with alg RS256 over an Ed25519 signature",
				() -> a.formWith(relabel(a.assertion(), "RS256"), "crm:read")));
		cases.add(token("assertion of 60 KB (kid padded)", () -> a.formWith(a.assertion((c) -> {
		}, (h) -> h.keyID("k".repeat(60_000))), "crm:read")));
		cases.add(token("assertion with a 60 KB jti",
				() -> a.formWith(a.assertion((c) -> c.jwtID("j".repeat(60_000)), (h) -> {
				}), "crm:read")));
		cases.add(new Case("1 MB client assertion", Expect.OAUTH_ERROR,
				() -> post("/oauth2/token", "application/x-www-form-urlencoded",
						TestHttp.encode(a.formWith("A".repeat(1_000_000), "crm:read")), null)));
		cases.add(token("assertion whose payload nests 100,000 JSON arrays", () -> a
			.formWith(signPayload(a, "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"), "crm:read")));
		cases.add(token("assertion whose payload is not JSON",
				() -> a.formWith(signPayload(a, "not json at all"), "crm:read")));
		cases.add(token("assertion that is not base64url", () -> a.formWith("%%%.***.$$$", "crm:read")));
		cases.add(token("assertion with five parts (JWE shape)", () -> a.formWith("a.b.c.d.e", "crm:read")));
		for (Object exp : List.of(-1L, 0L, Long.MAX_VALUE, Long.MIN_VALUE, 1e300, -1e300, "tomorrow", true)) {
			cases.add(token("assertion with exp " + exp,
					() -> a.formWith(signClaims(a, Map.of("exp", exp)), "crm:read")));
			cases.add(token("assertion with iat " + exp,
					() -> a.formWith(signClaims(a, Map.of("iat", exp)), "crm:read")));
			cases.add(token("assertion with nbf " + exp,
					() -> a.formWith(signClaims(a, Map.of("nbf", exp)), "crm:read")));
		}
		cases.add(token("assertion with aud an object",
				() -> a.formWith(signClaims(a, Map.of("aud", Map.of("x", aud))), "crm:read")));
		cases.add(token("assertion with jti a number", () -> a.formWith(signClaims(a, Map.of("jti", 42)), "crm:read")));
		for (String hostile : HOSTILE) {
			String label = printable(hostile);
			cases.add(token("assertion iss and sub " + label,
					() -> a.formWith(a.assertion((c) -> c.issuer(hostile).subject(hostile), (h) -> {
					}), "crm:read")));
			// any string is a legal jti (RFC 7519 §4.1.7) but for control characters
			boolean legalJti = !hostile.isEmpty() && hostile.chars().noneMatch(Character::isISOControl);
			cases.add(new Case("token: assertion jti " + label, legalJti ? Expect.ISSUED : Expect.OAUTH_ERROR,
					() -> postForm("/oauth2/token", a.formWith(hostile.isEmpty() ? signClaims(a, Map.of("jti", ""))
							: a.assertion((c) -> c.jwtID(hostile), (h) -> {
							}), "crm:read"))));
			cases.add(token("assertion aud " + label, () -> a.formWith(a.assertion((c) -> c.audience(hostile), (h) -> {
			}), "crm:read")));
			cases.add(token("assertion kid " + label, () -> a.formWith(a.assertion((c) -> {
			}, (h) -> h.keyID(hostile)), "crm:read")));
			for (String field : List.of("grant_type", "client_id", "client_assertion_type", "client_assertion", "scope",
					"resource", "task", "ttl")) {
				if (hostile.isEmpty() && List.of("resource", "task", "ttl").contains(field)) {
					continue; // empty optional parameters count as omitted (RFC 6749
								// §3.1)
				}
				cases.add(token(field + " = " + label, () -> {
					Map<String, String> form = a.tokenForm("crm:read");
					form.put(field, hostile);
					return form;
				}));
			}
		}
		for (Object ttl : List.of("-1", "0", "9223372036854775808", "99999999999999999999999", "1e9", "0x10", "+60",
				" 60", "６０")) {
			cases.add(token("ttl " + ttl, () -> {
				Map<String, String> form = a.tokenForm("crm:read");
				form.put("ttl", ttl.toString());
				return form;
			}));
		}
		for (String repeated : List.of("grant_type", "client_id", "client_assertion", "client_assertion_type", "scope",
				"task", "ttl")) {
			cases.add(new Case("duplicated " + repeated, Expect.OAUTH_ERROR, () -> {
				Map<String, String> form = a.tokenForm("crm:read");
				form.putIfAbsent("task", "t1");
				form.putIfAbsent("ttl", "60");
				String body = TestHttp.encode(form) + "&" + repeated + "="
						+ TestHttp.enc("client_assertion".equals(repeated) ? a.assertion() : form.get(repeated));
				return post("/oauth2/token", "application/x-www-form-urlencoded", body, null);
			}));
		}
		cases.add(new Case("client_id for another agent than the assertion's", Expect.OAUTH_ERROR, () -> {
			Map<String, String> form = a.tokenForm("crm:read");
			form.put("client_id", this.other.id());
			return postForm("/oauth2/token", form);
		}));
		cases.add(new Case("assertion and client_secret_basic at once", Expect.OAUTH_ERROR,
				() -> send(this.provider.request("/oauth2/token")
					.header("Content-Type", "application/x-www-form-urlencoded")
					.header("Authorization", TestHttp.basic("idp-admin", TestProvider.ADMIN_SECRET))
					.POST(HttpRequest.BodyPublishers.ofString(TestHttp.encode(a.tokenForm("crm:read"))))
					.build())));
		// wrong content types and bodies
		for (String type : List.of("application/json", "text/plain", "application/xml",
				"multipart/form-data; boundary=x", "application/jwt", "")) {
			cases.add(new Case("token request as " + (type.isEmpty() ? "no content type" : type), Expect.OAUTH_ERROR,
					() -> post("/oauth2/token", type,
							type.contains("json") ? TestHttp.JSON.writeValueAsString(a.tokenForm("crm:read"))
									: TestHttp.encode(a.tokenForm("crm:read")),
							null)));
		}
		cases.add(new Case("token request whose form encoding is broken", Expect.OAUTH_ERROR,
				() -> post("/oauth2/token", "application/x-www-form-urlencoded",
						TestHttp.encode(a.tokenForm("crm:read")) + "&%zz=%&=&&scope=%E0%A4%A", null)));
		cases.add(new Case("token request with a 2 MB body", Expect.OAUTH_ERROR,
				() -> post("/oauth2/token", "application/x-www-form-urlencoded",
						TestHttp.encode(a.tokenForm("crm:read")) + "&pad=" + "x".repeat(2_000_000), null)));
		cases.add(new Case("token request with a 2 MB chunked body", Expect.OAUTH_ERROR,
				() -> chunked("/oauth2/token", "application/x-www-form-urlencoded",
						TestHttp.encode(a.tokenForm("crm:read")) + "&pad=" + "x".repeat(2_000_000))));
		cases.add(new Case("token request with 20,000 parameters", Expect.OAUTH_ERROR,
				() -> post("/oauth2/token", "application/x-www-form-urlencoded",
						TestHttp.encode(a.tokenForm("crm:read")) + "&p=1".repeat(20_000), null)));
		cases.add(new Case("token request by GET with the parameters in the query", Expect.PROBLEM, () -> send(
				this.provider.request("/oauth2/token?" + TestHttp.encode(a.tokenForm("crm:read"))).GET().build())));
		cases.add(new Case("token request with the parameters in the query string", Expect.OAUTH_ERROR,
				() -> post("/oauth2/token?" + TestHttp.encode(a.tokenForm("crm:read")),
						"application/x-www-form-urlencoded", "", null)));
		cases.add(new Case("client_secret_basic with a malformed Basic header", Expect.OAUTH_ERROR,
				() -> raw("POST", "/oauth2/token",
						"Authorization: Basic !!!not-base64!!!\r\n"
								+ "Content-Type: application/x-www-form-urlencoded\r\n",
						"grant_type=client_credentials")));
		cases.add(new Case("client_secret_basic with control characters in the user", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/token", Map.of("grant_type", "client_credentials", "scope", "idp:admin"),
						"idp-admin\u0000\r\n", TestProvider.ADMIN_SECRET)));
		cases.add(new Case("client_secret_basic with an injection string as the secret", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/token", Map.of("grant_type", "client_credentials", "scope", "idp:admin"),
						"idp-admin", "' OR '1'='1")));
		cases.add(new Case("client_secret_basic with a 6 KB user", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/token", Map.of("grant_type", "client_credentials"), "u".repeat(4_000), "p")));
		cases.add(new Case("an admin client asking for a scope it does not hold", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/token",
						Map.of("grant_type", "client_credentials", "scope", "idp:admin crm:read"), "idp-admin",
						TestProvider.ADMIN_SECRET)));
		cases.add(new Case("unsupported grant type password", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/token",
						Map.of("grant_type", "password", "username", "admin", "password", "admin"), "idp-admin",
						TestProvider.ADMIN_SECRET)));
		cases.add(new Case("token exchange with an injection string as subject token", Expect.OAUTH_ERROR, () -> {
			Map<String, String> form = a.authForm();
			form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
			form.put("subject_token", "' OR 1=1 --");
			form.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
			form.put("sub_agent", "\"; DROP TABLE agent; --");
			form.put("scope", "crm:read");
			return postForm("/oauth2/token", form);
		}));
	}

	// --- OAuth: introspection and revocation
	// ------------------------------------------------

	/**
	 * Issue 19: the backchannel authentication endpoint and the CIBA grant. Each hostile
	 * value in a parameter that must refuse it (authorization_details, login_hint,
	 * requested_expiry, an unreadable binding_message, auth_req_id) is an RFC 6749 or
	 * CIBA error that stores no approval request and issues nothing.
	 */
	private void backchannelCases(List<Case> cases) {
		String details = "[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\"}]";
		for (String hostile : HOSTILE) {
			cases.add(backchannel("authorization_details = " + printable(hostile),
					() -> Map.of("authorization_details", hostile)));
			cases.add(backchannel("authorization_details[0].target = " + printable(hostile),
					() -> Map.of("authorization_details",
							"[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\","
									+ " \"target\": " + TestHttp.JSON.writeValueAsString(hostile)
									+ ", \"cost\": -1}]")));
			cases.add(backchannel("login_hint = " + printable(hostile),
					() -> Map.of("authorization_details", details, "login_hint", hostile)));
			cases.add(backchannel("requested_expiry = " + printable(hostile),
					() -> Map.of("authorization_details", details, "requested_expiry", hostile)));
			if (hostile.isEmpty() || hostile.codePoints()
				.anyMatch((c) -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
						|| (c & 0xFFFE) == 0xFFFE)) {
				cases.add(backchannel("binding_message = " + printable(hostile),
						() -> Map.of("authorization_details", details, "binding_message", hostile)));
			}
			cases.add(new Case("ciba: auth_req_id = " + printable(hostile), Expect.OAUTH_ERROR, () -> {
				Map<String, String> form = this.approver.tokenForm(null);
				form.put("grant_type", "urn:openid:params:grant-type:ciba");
				form.put("auth_req_id", hostile);
				return postForm("/oauth2/token", form);
			}));
		}
		cases.add(backchannel("authorization_details of 9 KiB",
				() -> Map.of("authorization_details", "[" + "{\"type\": \"tool_call\"},".repeat(400) + "{}]")));
		cases.add(backchannel("authorization_details nesting 10,000 arrays",
				() -> Map.of("authorization_details", "[".repeat(4_000) + "]".repeat(4_000))));
		cases.add(backchannel("binding_message of 129 characters",
				() -> Map.of("authorization_details", details, "binding_message", "x".repeat(129))));
		cases.add(new Case("bc-authorize without client authentication", Expect.OAUTH_ERROR,
				() -> postForm("/oauth2/bc-authorize", Map.of("authorization_details", details))));
		cases.add(new Case("bc-authorize by a resource server", Expect.OAUTH_ERROR,
				() -> postBasic("/oauth2/bc-authorize", Map.of("authorization_details", details), this.rsId,
						this.rsSecret)));
		cases.add(new Case("bc-authorize as JSON", Expect.OAUTH_ERROR, () -> {
			Map<String, String> form = this.approver.authForm();
			return post("/oauth2/bc-authorize?" + TestHttp.encode(form), "application/json", "{}", null);
		}));
	}

	private Case backchannel(String name, Supplier<Map<String, String>> parameters) {
		return new Case("bc-authorize: " + name, Expect.OAUTH_ERROR, () -> {
			Map<String, String> form = this.approver.authForm();
			form.putAll(parameters.get());
			return postForm("/oauth2/bc-authorize", form);
		});
	}

	private void introspectionAndRevocationCases(List<Case> cases) {
		for (String endpoint : List.of("/oauth2/introspect", "/oauth2/revoke")) {
			Expect authenticated = endpoint.endsWith("introspect") ? Expect.INACTIVE : Expect.NOT_AN_ERROR;
			for (String hostile : HOSTILE) {
				if (hostile.isEmpty()) {
					continue;
				}
				cases.add(new Case(endpoint + " token = " + printable(hostile), authenticated, () -> postBasic(endpoint,
						Map.of("token", hostile, "token_type_hint", "access_token"), this.rsId, this.rsSecret)));
				cases.add(new Case(endpoint + " token_type_hint = " + printable(hostile), Expect.NOT_AN_ERROR,
						() -> postBasic(endpoint, Map.of("token", "x.y.z", "token_type_hint", hostile), this.rsId,
								this.rsSecret)));
				cases.add(new Case(endpoint + " as client " + printable(hostile), Expect.OAUTH_ERROR,
						() -> postBasic(endpoint, Map.of("token", "x"), hostile, "secret")));
			}
			cases.add(new Case(endpoint + " with a forged token (alg none, admin scope)", authenticated,
					() -> postBasic(endpoint, Map.of("token", forgedNone()), this.rsId, this.rsSecret)));
			cases.add(new Case(endpoint + " with a 60 KB token", authenticated, () -> postBasic(endpoint,
					Map.of("token", "a." + "b".repeat(60_000) + ".c"), this.rsId, this.rsSecret)));
			cases.add(new Case(endpoint + " with a token whose payload nests 50,000 objects", authenticated,
					() -> postBasic(endpoint, Map.of("token", "eyJhbGciOiJFZERTQSJ9."
							+ b64("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)).substring(0, 60_000) + ".c"),
							this.rsId, this.rsSecret)));
			cases.add(new Case(endpoint + " with a 1 MB token", Expect.OAUTH_ERROR,
					() -> postBasic(endpoint, Map.of("token", "A".repeat(1_000_000)), this.rsId, this.rsSecret)));
			cases.add(new Case(endpoint + " with the token parameter repeated", Expect.OAUTH_ERROR,
					() -> send(this.provider.request(endpoint)
						.header("Content-Type", "application/x-www-form-urlencoded")
						.header("Authorization", TestHttp.basic(this.rsId, this.rsSecret))
						.POST(HttpRequest.BodyPublishers.ofString("token=" + this.agentToken + "&token=x"))
						.build())));
			cases.add(new Case(endpoint + " without a token parameter", Expect.OAUTH_ERROR,
					() -> postBasic(endpoint, Map.of(), this.rsId, this.rsSecret)));
			cases.add(new Case(endpoint + " unauthenticated", Expect.OAUTH_ERROR,
					() -> postForm(endpoint, Map.of("token", this.agentToken))));
			cases.add(new Case(endpoint + " with a wrong secret", Expect.OAUTH_ERROR,
					() -> postBasic(endpoint, Map.of("token", this.agentToken), this.rsId, "wrong")));
			cases.add(new Case(endpoint + " with a Bearer instead of client authentication", Expect.OAUTH_ERROR,
					() -> send(this.provider.request(endpoint)
						.header("Content-Type", "application/x-www-form-urlencoded")
						.header("Authorization", "Bearer " + this.agentToken)
						.POST(HttpRequest.BodyPublishers.ofString("token=" + this.agentToken))
						.build())));
			cases.add(new Case(endpoint + " with an alg none client assertion", Expect.OAUTH_ERROR, () -> {
				Map<String, String> form = this.agent.formWith(unsigned(this.agent), null);
				form.remove("grant_type");
				form.put("token", this.agentToken);
				return postForm(endpoint, form);
			}));
			cases.add(new Case(endpoint + " as JSON", Expect.OAUTH_ERROR, () -> post(endpoint, "application/json",
					"{\"token\":\"" + this.agentToken + "\"}", TestHttp.basic(this.rsId, this.rsSecret))));
			cases.add(new Case(endpoint + " with a 2 MB body", Expect.OAUTH_ERROR,
					() -> post(endpoint, "application/x-www-form-urlencoded", "token=" + "x".repeat(2_000_000),
							TestHttp.basic(this.rsId, this.rsSecret))));
		}
	}

	// --- OAuth: metadata and keys
	// -------------------------------------------------------

	private void metadataCases(List<Case> cases) {
		for (String path : List.of("/.well-known/oauth-authorization-server", "/oauth2/jwks")) {
			cases.add(new Case("GET " + path + " with hostile query parameters", Expect.CONTAINER, () -> send(
					this.provider.request(path + "?x=%27%20OR%201=1--&x=%00&" + "p=1&".repeat(2_000)).GET().build())));
			cases.add(new Case("POST " + path, Expect.NOT_AN_ERROR,
					() -> post(path, "application/json", "{\"keys\":[]}", null)));
			cases.add(new Case("DELETE " + path, Expect.NOT_AN_ERROR,
					() -> send(this.provider.request(path).DELETE().build())));
			cases.add(new Case("GET " + path + " with a 7 KB hostile header", Expect.NOT_AN_ERROR,
					() -> send(this.provider.request(path).header("X-Junk", "' OR 1=1 ".repeat(700)).GET().build())));
		}
		cases.add(new Case("a path with an encoded NUL and traversal under /oauth2", Expect.CONTAINER,
				() -> raw("GET", "/oauth2/%2e%2e/%00/jwks", "", null)));
		cases.add(new Case("a path with an encoded slash and semicolon under /oauth2", Expect.CONTAINER,
				() -> raw("POST", "/oauth2/token;jsessionid=x/%2F..",
						"Content-Type: application/x-www-form-urlencoded\r\n", "grant_type=client_credentials")));
	}

	/**
	 * The policy decision point (issue 16): hostile AuthZEN bodies are 400
	 * {@code invalid_request} (or 401 without credentials), never a decision, never a
	 * 5xx, nothing written.
	 */
	private void policyCases(List<Case> cases) {
		String admin = TestHttp.basic("idp-admin", TestProvider.ADMIN_SECRET);
		String subject = "\"subject\": {\"type\": \"agent\", \"id\": \"" + this.agent.id()
				+ "\", \"properties\": {\"token\": \"" + this.agentToken + "\"}}";
		String action = "\"action\": {\"name\": \"read\"}";
		String resource = "\"resource\": {\"type\": \"data\", \"id\": \"crm\"}";
		Map<String, String> bodies = new LinkedHashMap<>();
		bodies.put("arguments nested 100,000 deep", "{" + subject + ", " + action + ", " + resource
				+ ", \"context\": {\"arguments\": {\"a\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}}}");
		bodies.put("a cost of 1e999999",
				"{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": 1e999999}}");
		bodies.put("a cost of -0",
				"{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": -1e-400}}");
		bodies.put("a cost of Infinity",
				"{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": Infinity}}");
		bodies.put("a cost of true",
				"{" + subject + ", " + action + ", " + resource + ", \"context\": {\"cost\": true}}");
		bodies.put("a NUL in the resource id",
				"{" + subject + ", " + action + ", \"resource\": {\"type\": \"data\", \"id\": \"cr\\u0000m\"}}");
		bodies.put("a token of 20,000 characters", "{\"subject\": {\"type\": \"agent\", \"id\": \"x\","
				+ " \"properties\": {\"token\": \"" + "a".repeat(20_000) + "\"}}, " + action + ", " + resource + "}");
		bodies.put("a subject of another type", "{\"subject\": {\"type\": \"user\", \"id\": \"x\","
				+ " \"properties\": {\"token\": \"t\"}}, " + action + ", " + resource + "}");
		bodies.put("a name that is a number", "{" + subject + ", \"action\": {\"name\": 7}, " + resource + "}");
		bodies.put("duplicate members", "{" + subject + ", " + action + ", " + resource + ", " + action + "}");
		bodies.put("a JSON string", "\"evaluate me\"");
		bodies.put("trailing garbage", "{" + subject + ", " + action + ", " + resource + "} {}");
		bodies.put("300 KB of padding", "{" + subject + ", " + action + ", " + resource
				+ ", \"context\": {\"arguments\": {\"p\": \"" + "x".repeat(300 * 1024) + "\"}}}");
		// issue 17, item 4: the proof's members are strings; the proof itself is the
		// decision's (proof_invalid), never a 5xx
		String withToken = "\"subject\": {\"type\": \"agent\", \"id\": \"" + this.agent.id()
				+ "\", \"properties\": {\"token\": \"" + this.agentToken + "\", ";
		bodies.put("an htm with a NUL", "{" + withToken + "\"dpop_proof\": \"a.b.c\", \"htm\": \"PO\\u0000ST\","
				+ " \"htu\": \"https://x\"}}, " + action + ", " + resource + "}");
		bodies.put("an htu that is an array",
				"{" + withToken + "\"dpop_proof\": \"a.b.c\", \"htm\": \"POST\", \"htu\": [\"https://x\"]}}, " + action
						+ ", " + resource + "}");
		bodies.put("a dpop_proof that is an object",
				"{" + withToken + "\"dpop_proof\": {\"alg\": \"none\"}}}, " + action + ", " + resource + "}");
		cases.add(new Case("policy evaluation: a dpop_proof of 200 KB", Expect.NOT_AN_ERROR,
				() -> post("/access/v1/evaluation", "application/json",
						"{" + withToken + "\"dpop_proof\": \"" + "e".repeat(200 * 1024)
								+ "\", \"htm\": \"POST\", \"htu\": \"https://x\"}}, " + action + ", " + resource + "}",
						admin)));
		cases
			.add(new Case("policy evaluation: an alg none proof with htu not a URI", Expect.NOT_AN_ERROR,
					() -> post("/access/v1/evaluation", "application/json", "{" + withToken
							+ "\"dpop_proof\": \"eyJhbGciOiJub25lIn0.e30.\", \"htm\": \"POST\", \"htu\": \"::\"}}, "
							+ action + ", " + resource + "}", admin)));
		bodies.forEach((name, body) -> cases.add(new Case("policy evaluation: " + name, Expect.OAUTH_ERROR,
				() -> post("/access/v1/evaluation", "application/json", body, admin))));
		cases.add(new Case("policy evaluations: 101 evaluations", Expect.OAUTH_ERROR,
				() -> post("/access/v1/evaluations", "application/json", "{" + subject + ", " + action + ", " + resource
						+ ", \"evaluations\": [" + String.join(",", java.util.Collections.nCopies(101, "{}")) + "]}",
						admin)));
		cases.add(new Case("policy evaluations: an unknown semantic", Expect.OAUTH_ERROR,
				() -> post("/access/v1/evaluations", "application/json",
						"{" + subject + ", " + action + ", " + resource
								+ ", \"evaluations\": [{}], \"options\": {\"evaluations_semantic\": \"all\"}}",
						admin)));
		cases.add(new Case("policy search: a forged page token", Expect.OAUTH_ERROR,
				() -> post("/access/v1/search/resource", "application/json",
						"{" + subject + ", \"resource\": {\"type\": \"tool\"}, \"page\": {\"token\": \"bzotOTk5\"}}",
						admin)));
		cases.add(new Case("policy search: a page of 0", Expect.OAUTH_ERROR, () -> post("/access/v1/search/action",
				"application/json", "{" + subject + ", " + resource + ", \"page\": {\"limit\": 0}}", admin)));
		cases.add(new Case("policy evaluation: XML", Expect.OAUTH_ERROR,
				() -> post("/access/v1/evaluation", "application/xml", "<evaluation/>", admin)));
		cases.add(new Case("policy evaluation: no credentials", Expect.OAUTH_ERROR,
				() -> post("/access/v1/evaluation", "application/json", "{}", null)));
		cases.add(new Case("policy evaluation: a chunked body of 300 KB", Expect.OAUTH_ERROR, () -> send(this.provider
			.request("/access/v1/evaluation")
			.header("Content-Type", "application/json")
			.header("Authorization", admin)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
					("{\"p\": \"" + "x".repeat(300 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))))
			.build())));
		cases.add(new Case("policy evaluation: a lone surrogate in the action", Expect.NOT_AN_ERROR,
				() -> post("/access/v1/evaluation", "application/json", "{" + subject
						+ ", \"action\": {\"name\": \"\\ud800\"}, \"resource\": {\"type\": \"tool\", \"id\": \"x\"}}",
						admin)));
	}

	// --- the admin API
	// ------------------------------------------------------------------

	private void adminCases(List<Case> cases) {
		String id = this.agent.id();
		// hostile bearer tokens
		cases.add(admin("a bearer token with alg none and admin scope", "GET", "/admin/v1/agents", null, null,
				forgedNone()));
		cases.add(admin("a bearer token HS256-signed with the provider's public key", "GET", "/admin/v1/agents", null,
				null, forgedHmacWithProviderKey()));
		cases.add(admin("a bearer token with an unknown kid", "GET", "/admin/v1/agents", null, null,
				relabelKid(this.agentToken, "no-such-kid")));
		cases.add(admin("a bearer token with crit added (signature broken)", "GET", "/admin/v1/agents", null, null,
				withHeader(this.agentToken, "\"crit\":[\"exp\"],\"exp\":1")));
		cases.add(admin("a nested JWT as bearer token", "GET", "/admin/v1/agents", null, null, nested(this.agent)));
		cases.add(admin("an agent's access token (no idp:admin)", "GET", "/admin/v1/agents", null, null,
				this.agentToken));
		cases.add(admin("an agent's access token with a forged scope", "GET", "/admin/v1/agents", null, null,
				withPayload(this.agentToken, "\"scope\":\"idp:admin\"")));
		cases.add(admin("a 6 KB bearer token", "GET", "/admin/v1/agents", null, null, "a." + "b".repeat(6_000) + ".c"));
		cases.add(admin("a bearer token of garbage", "GET", "/admin/v1/agents", null, null, "' OR 1=1 --"));
		cases.add(new Case("a 1 MB bearer token", Expect.CONTAINER,
				() -> raw("GET", "/admin/v1/agents", "Authorization: Bearer " + "A".repeat(1_000_000) + "\r\n", null)));
		cases.add(new Case("a bearer token with control and non-ASCII bytes", Expect.CONTAINER,
				() -> raw("GET", "/admin/v1/agents", "Authorization: Bearer \u0001\u00ff\u00e9t\u00e9\r\n", null)));
		cases.add(new Case("two Authorization headers", Expect.PROBLEM,
				() -> raw("GET", "/admin/v1/agents",
						"Authorization: Bearer " + this.agentToken + "\r\nAuthorization: Bearer " + this.admin + "\r\n",
						null)));
		// agent registration: every field hostile
		String valid = "\"name\":\"n-%s\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a:b\"}],\"generateKey\":true";
		for (String hostile : HOSTILE) {
			String json = TestHttp.JSON.writeValueAsString(hostile);
			String label = printable(hostile);
			cases.add(adminJson("agent name " + label, "POST", "/admin/v1/agents", "{\"name\":" + json
					+ ",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a:b\"}],\"generateKey\":true}"));
			cases.add(adminJson("agent owner " + label, "POST", "/admin/v1/agents", "{\"name\":\"n1\",\"owner\":" + json
					+ ",\"capabilities\":[{\"scope\":\"a:b\"}],\"generateKey\":true}"));
			cases.add(adminJson("agent environment " + label, "POST", "/admin/v1/agents",
					"{" + valid.formatted(UUID.randomUUID()) + ",\"environment\":" + json + "}"));
			cases.add(adminJson("capability scope " + label, "POST", "/admin/v1/agents",
					"{\"name\":\"n2\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a b"
							+ json.substring(1) + "}],\"generateKey\":true}"));
			cases.add(adminJson("capability riskLevel " + label, "POST", "/admin/v1/agents",
					"{\"name\":\"n3\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"a:b\",\"riskLevel\":"
							+ json + "}],\"generateKey\":true}"));
			cases.add(adminJson("tool mcpServer " + label, "POST", "/admin/v1/agents", "{"
					+ valid.formatted(UUID.randomUUID()) + ",\"tools\":[{\"id\":\"t\",\"mcpServer\":" + json + "}]}"));
			cases.add(adminJson("key jwk x " + label, "POST", "/admin/v1/agents/" + id + "/keys",
					"{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":" + json + "}}"));
			cases.add(adminJson("client kind " + label, "POST", "/admin/v1/clients",
					"{\"name\":\"c\",\"kind\":" + json + ",\"scopes\":[]}"));
			cases.add(adminJson("client scope " + label, "POST", "/admin/v1/clients",
					"{\"name\":\"c\",\"kind\":\"admin\",\"scopes\":[\"idp:admin\"," + json + "]}"));
			boolean refusedByTomcat = hostile.contains("\u0000") || hostile.contains("/");
			cases.add(new Case("admin: agent id path " + label, refusedByTomcat ? Expect.CONTAINER : Expect.PROBLEM,
					() -> request("GET", "/admin/v1/agents/" + TestHttp.enc(hostile), null, null, this.admin)));
			cases.add(adminJson("revoke by agentId " + label, "POST", "/admin/v1/tokens/revoke",
					"{\"agentId\":" + json + "}"));
			cases.add(new Case("agent list filters " + label, Expect.NOT_AN_ERROR,
					() -> request("GET",
							"/admin/v1/agents?owner=" + TestHttp.enc(hostile) + "&q=" + TestHttp.enc(hostile)
									+ "&status=" + TestHttp.enc(hostile) + "&cursor=" + TestHttp.enc(hostile),
							null, null, this.admin)));
			cases.add(new Case("audit query " + label, Expect.NOT_AN_ERROR,
					() -> request("GET",
							"/admin/v1/audit?chain=" + TestHttp.enc(hostile) + "&actor=" + TestHttp.enc(hostile)
									+ "&action=" + TestHttp.enc(hostile) + "&from=" + TestHttp.enc(hostile) + "&cursor="
									+ TestHttp.enc(hostile),
							null, null, this.admin)));
			cases.add(new Case("audit verify of chain " + label, Expect.NOT_AN_ERROR, () -> request("GET",
					"/admin/v1/audit/verify?chain=" + TestHttp.enc(hostile), null, null, this.admin)));
			cases.add(new Case("revoke by task or jti " + label, Expect.NOT_AN_ERROR, () -> request("POST",
					"/admin/v1/tokens/revoke", "application/json", "{\"task\":" + json + "}", this.admin)));
			cases.add(new Case("clear anomaly " + label, refusedByTomcat ? Expect.CONTAINER : Expect.PROBLEM,
					() -> request("POST", "/admin/v1/agents/" + id + "/anomalies/" + TestHttp.enc(hostile) + "/clear",
							null, null, this.admin)));
			cases.add(adminJson("clear anomaly reason " + label, "POST",
					"/admin/v1/agents/" + id + "/anomalies/" + UUID.randomUUID() + "/clear",
					"{\"reason\":" + json + "}"));
			cases.add(new Case("reports parameters " + label, Expect.PROBLEM,
					() -> request("GET", "/admin/v1/reports/unused-permissions?agent=" + TestHttp.enc(hostile)
							+ "&days=" + TestHttp.enc(hostile), null, null, this.admin)));
			cases.add(adminJson("agent anomaly reaction " + label, "POST", "/admin/v1/agents",
					"{" + valid.formatted(UUID.randomUUID()) + ",\"tokenPolicy\":{\"anomaly\":{\"reactions\":{\"rate\":"
							+ json + "}}}}"));
			cases.add(new Case("retire key " + label, refusedByTomcat ? Expect.CONTAINER : Expect.NOT_AN_ERROR,
					() -> request("DELETE", "/admin/v1/agents/" + this.other.id() + "/keys/" + TestHttp.enc(hostile),
							null, null, this.admin)));
		}
		for (String days : List.of("0", "-1", "366", "9".repeat(40), "1e3", "NaN")) {
			cases.add(new Case("reports days " + days, Expect.PROBLEM, () -> request("GET",
					"/admin/v1/reports/out-of-scope?days=" + days + "&limit=" + days, null, null, this.admin)));
		}
		for (String threshold : List.of("0", "-1", "1000001", "1e400", "1.5", "\"4\"", "true")) {
			cases.add(adminJson("agent anomaly threshold " + threshold, "POST", "/admin/v1/agents",
					"{" + valid.formatted(UUID.randomUUID()) + ",\"tokenPolicy\":{\"anomaly\":{\"rateFactor\":"
							+ threshold + ",\"minimumCalls\":" + threshold + "}}}"));
		}
		cases.add(adminJson("an agent with unknown and server-set fields", "POST", "/admin/v1/agents", "{"
				+ valid.formatted(UUID.randomUUID()) + ",\"admin\":true,\"status\":\"active\",\"id\":\"" + id + "\"}"));
		cases.add(adminJson("a key with a private part", "POST", "/admin/v1/agents/" + id + "/keys",
				"{\"jwk\":" + this.attackerKey.toJSONString() + "}"));
		cases.add(adminJson("a key of an RSA type with a 50 KB modulus", "POST", "/admin/v1/agents/" + id + "/keys",
				"{\"jwk\":{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"" + "A".repeat(50_000) + "\"}}"));
		cases.add(adminJson("a client with an unknown field clientSecret", "POST", "/admin/v1/clients",
				"{\"name\":\"c\",\"kind\":\"admin\",\"scopes\":[],\"clientSecret\":\"mine\"}"));
		cases.add(adminJson("a client with a 10 KB name", "POST", "/admin/v1/clients",
				"{\"name\":\"" + "n".repeat(10_000) + "\",\"kind\":\"admin\",\"scopes\":[]}"));
		// numbers
		for (String number : List.of("-1", "0", "1e400", "-1e400", "99999999999999999999999", "9223372036854775808",
				"1.5", "\"900\"", "NaN", "null", "[]", "{}")) {
			cases.add(adminJson("tokenPolicy maxTtlSeconds " + number, "POST", "/admin/v1/agents",
					"{" + valid.formatted(UUID.randomUUID()) + ",\"tokenPolicy\":{\"maxTtlSeconds\":" + number
							+ ",\"defaultTtlSeconds\":" + number + ",\"maxDelegationDepth\":" + number + "}}"));
		}
		for (String number : List.of("-1", "0", "501", "99999999999999999999", "abc", "1e3")) {
			cases.add(adminJson("agent list limit " + number, "GET", "/admin/v1/agents?limit=" + number, null));
			cases.add(adminJson("versions limit " + number, "GET",
					"/admin/v1/agents/" + id + "/versions?limit=" + number, null));
			cases.add(adminJson("audit limit " + number, "GET", "/admin/v1/audit?limit=" + number, null));
			cases.add(adminJson("key grace " + number, "DELETE",
					"/admin/v1/agents/" + id + "/keys/" + this.agent.key().getKeyID() + "?graceSeconds=" + number,
					null));
		}
		cases.add(adminJson("audit from not a date", "GET", "/admin/v1/audit?from=2026-13-45T99:99:99Z", null));
		cases.add(adminJson("audit decision maybe", "GET", "/admin/v1/audit?decision=maybe", null));
		cases.add(adminJson("audit export as xml", "GET", "/admin/v1/audit/export?format=xml", null));
		cases.add(new Case("If-Match with an overflowing version", Expect.PROBLEM,
				() -> send(this.provider.request("/admin/v1/agents/" + id)
					.header("Content-Type", "application/merge-patch+json")
					.header("Authorization", "Bearer " + this.admin)
					.header("If-Match", "\"99999999999999999999999\"")
					.method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\":\"x\"}"))
					.build())));
		cases.add(adminJson("a merge patch setting the status", "PATCH", "/admin/v1/agents/" + id,
				"{\"status\":\"suspended\",\"id\":null}"));
		// bodies and content types
		for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
				"multipart/form-data; boundary=x", "application/json; charset=utf-16", "")) {
			cases.add(new Case("agent registration as " + (type.isEmpty() ? "no content type" : type), Expect.PROBLEM,
					() -> request("POST", "/admin/v1/agents", type.isEmpty() ? null : type,
							"{" + valid.formatted(UUID.randomUUID()) + "}\u00e9", this.admin)));
		}
		for (String body : List.of("", "null", "[]", "\"text\"", "42", "{", "{\"name\":}", "{\"name\":\"a\"}}",
				"{'name':'single-quoted'}", "/* comment */ {}", "{\"name\":\"a\",\"name\":\"b\"}")) {
			cases.add(adminJson("agent registration body " + printable(body), "POST", "/admin/v1/agents", body));
			cases.add(adminJson("token revocation body " + printable(body), "POST", "/admin/v1/tokens/revoke", body));
			cases.add(adminJson("client registration body " + printable(body), "POST", "/admin/v1/clients", body));
		}
		cases.add(adminJson("JSON nested 100,000 levels", "POST", "/admin/v1/agents",
				"[".repeat(30_000) + "]".repeat(30_000)));
		cases.add(adminJson("JSON objects nested 10,000 levels", "POST", "/admin/v1/agents",
				"{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
		cases.add(adminJson("a 1 MB JSON body", "POST", "/admin/v1/agents",
				"{\"name\":\"" + "x".repeat(1_000_000) + "\"}"));
		cases.add(new Case("a 1 MB chunked JSON body", Expect.PROBLEM,
				() -> chunkedAdmin("/admin/v1/agents", "{\"name\":\"" + "x".repeat(1_000_000) + "\"}")));
		cases.add(adminJson("a 60 KB string of escapes", "POST", "/admin/v1/agents",
				"{\"name\":\"" + "\\u0000".repeat(10_000) + "\"}"));
		cases.add(adminJson("an unknown admin path", "GET", "/admin/v1/agents/" + id + "/../../../etc/passwd", null));
		cases.add(adminJson("an unsupported method", "PUT", "/admin/v1/agents/" + id, "{}"));
	}

	// --- case builders
	// ----------------------------------------------------------------------

	enum Expect {

		/** 4xx with an RFC 6749 §5.2 error object. */
		OAUTH_ERROR,
		/** 4xx with an RFC 9457 problem document. */
		PROBLEM,
		/** 200 {@code {"active": false}} (RFC 7662 §2.2). */
		INACTIVE,
		/** A well-formed request with odd but legal values: any answer but a 5xx. */
		NOT_AN_ERROR,
		/** Odd but legal: a token is issued (one row), nothing else is written. */
		ISSUED,
		/**
		 * Refused by Tomcat before the application sees it (illegal path or header bytes,
		 * too many parameters, oversized headers): a 400, nothing written. Tomcat's own
		 * error page is still HTML here (docs/security.md, open points).
		 */
		CONTAINER

	}

	record Case(String name, Expect expect, Supplier<Response> request) {
	}

	record Response(int status, String contentType, String body) {

		/**
		 * The server closed the connection before it answered (status 0): the container
		 * refusing a request it would not read to its end.
		 */
		static final Response CLOSED = new Response(0, "", "");

	}

	private Case token(String name, Supplier<Map<String, String>> form) {
		return new Case("token: " + name, Expect.OAUTH_ERROR, () -> postForm("/oauth2/token", form.get()));
	}

	private Case admin(String name, String method, String path, String type, String body, String bearer) {
		return new Case("admin: " + name, Expect.PROBLEM, () -> request(method, path, type, body, bearer));
	}

	private Case adminJson(String name, String method, String path, String body) {
		return new Case("admin: " + name, Expect.PROBLEM,
				() -> request(method, path, (body != null) ? "application/json" : null, body, this.admin));
	}

	// --- HTTP
	// -----------------------------------------------------------------------------

	private Response postForm(String path, Map<String, String> form) {
		return post(path, "application/x-www-form-urlencoded", TestHttp.encode(form), null);
	}

	private Response postBasic(String path, Map<String, String> form, String user, String password) {
		return post(path, "application/x-www-form-urlencoded", TestHttp.encode(form), TestHttp.basic(user, password));
	}

	private Response post(String path, String type, String body, String authorization) {
		HttpRequest.Builder request = this.provider.request(path).POST(HttpRequest.BodyPublishers.ofString(body));
		if (type != null && !type.isEmpty()) {
			request.header("Content-Type", type);
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request.build());
	}

	private Response request(String method, String path, String type, String body, String bearer) {
		HttpRequest.Builder request = this.provider.request(path)
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (type != null) {
			request.header("Content-Type", type);
		}
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	private Response chunked(String path, String type, String body) {
		return send(this.provider.request(path)
			.header("Content-Type", type)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> stream(body)))
			.build());
	}

	private Response chunkedAdmin(String path, String body) {
		return send(this.provider.request(path)
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + this.admin)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> stream(body)))
			.build());
	}

	private static InputStream stream(String body) {
		return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
	}

	private Response send(HttpRequest request) {
		HttpResponse<String> response = this.provider.send(request);
		return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
				response.body());
	}

	/**
	 * A request written byte by byte, for what {@code HttpClient} refuses to send. The
	 * request is written on a thread of its own while this one reads: Tomcat answers an
	 * oversized head with 400 and closes the connection while a large request is still
	 * being written, and a reader that waited for the write to end would meet the reset
	 * instead of the answer. When the server closed the connection before any answer
	 * could be read, the response is {@link Response#CLOSED}.
	 */
	private Response raw(String method, String path, String headers, String body) {
		URI base = URI.create(this.provider.baseUrl());
		try (Socket socket = new Socket(base.getHost(), base.getPort())) {
			socket.setSoTimeout(30_000);
			byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
			String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers
					+ ((body != null) ? "Content-Length: " + content.length + "\r\n" : "") + "\r\n";
			OutputStream out = socket.getOutputStream();
			Thread writer = Thread.ofPlatform().daemon().start(() -> {
				try {
					out.write(head.getBytes(StandardCharsets.ISO_8859_1));
					out.write(content);
					out.flush();
				}
				catch (IOException ex) {
					// the server closed the connection before the request ended: what it
					// answered, if anything, is read below
				}
			});
			ByteArrayOutputStream read = new ByteArrayOutputStream();
			try {
				socket.getInputStream().transferTo(read);
			}
			catch (SocketException ex) {
				// reset after the server's answer (or before it): keep what was read
			}
			writer.join(30_000);
			String answer = read.toString(StandardCharsets.UTF_8);
			if (!answer.startsWith("HTTP/1.1 ")) {
				assertThat(answer).as("a connection closed with a partial answer").isEmpty();
				return Response.CLOSED;
			}
			int status = Integer.parseInt(answer.substring(9, 12));
			int split = answer.indexOf("\r\n\r\n");
			String head2 = answer.substring(0, Math.max(split, 0));
			String type = head2.lines()
				.filter((line) -> line.toLowerCase().startsWith("content-type:"))
				.map((line) -> line.substring(13).trim())
				.findFirst()
				.orElse("");
			String rest = (split >= 0) ? answer.substring(split + 4) : "";
			if (head2.toLowerCase().contains("transfer-encoding: chunked")) {
				rest = dechunk(rest);
			}
			return new Response(status, type, rest);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String dechunk(String chunked) {
		StringBuilder body = new StringBuilder();
		int i = 0;
		while (i < chunked.length()) {
			int eol = chunked.indexOf("\r\n", i);
			if (eol < 0) {
				break;
			}
			int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
			if (size == 0) {
				break;
			}
			body.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
			i = eol + 2 + size + 2;
		}
		return body.toString();
	}

	// --- forged tokens
	// --------------------------------------------------------------------

	private String unsigned(TestAgent a) {
		return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(a.claims().build().toString()) + ".";
	}

	private String hmac(TestAgent a) {
		try {
			com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(a.key().getKeyID()).build(), a.claims().build());
			jwt.sign(new MACSigner(a.key().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String embeddedKey(TestAgent a) {
		try {
			com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(this.attackerKey.getKeyID())
						.jwk(this.attackerKey.toPublicJWK())
						.build(),
					a.claims().build());
			jwt.sign(new Ed25519Signer(this.attackerKey));
			return jwt.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String nested(TestAgent a) {
		return signPayload(a, a.assertion(), new JOSEObjectType("JWT"));
	}

	private String signPayload(TestAgent a, String payload) {
		return signPayload(a, payload, null);
	}

	private String signPayload(TestAgent a, String payload, JOSEObjectType contentType) {
		try {
			JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(a.key().getKeyID())
				.type(JOSEObjectType.JWT);
			if (contentType != null) {
				header.contentType("JWT");
			}
			JWSObject jws = new JWSObject(header.build(), new Payload(payload));
			jws.sign(new Ed25519Signer(a.key()));
			return jws.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A validly signed assertion whose claims are overridden with raw JSON values. */
	private String signClaims(TestAgent a, Map<String, Object> overrides) {
		Map<String, Object> claims = new LinkedHashMap<>(a.claims().build().toJSONObject());
		claims.putAll(overrides);
		return signPayload(a, TestHttp.JSON.writeValueAsString(claims));
	}

	private static String relabel(String jwt, String alg) {
		String[] parts = jwt.split("\\.");
		return b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];
	}

	private static String relabelKid(String jwt, String kid) {
		String[] parts = jwt.split("\\.");
		String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
		return b64(header.replaceAll("\"kid\"\\s*:\\s*\"[^\"]*\"", "\"kid\":\"" + kid + "\"")) + "." + parts[1] + "."
				+ parts[2];
	}

	private static String withHeader(String jwt, String members) {
		String[] parts = jwt.split("\\.");
		String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
		return b64(header.substring(0, header.length() - 1) + "," + members + "}") + "." + parts[1] + "." + parts[2];
	}

	private static String withPayload(String jwt, String members) {
		String[] parts = jwt.split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		return parts[0] + "." + b64(payload.substring(0, payload.length() - 1) + "," + members + "}") + "." + parts[2];
	}

	private String forgedNone() {
		long now = Instant.now().getEpochSecond();
		return b64("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "."
				+ b64("{\"iss\":\"" + this.provider.baseUrl()
						+ "\",\"sub\":\"idp-admin\",\"client_id\":\"idp-admin\",\"scope\":\"idp:admin\",\"jti\":\""
						+ UUID.randomUUID() + "\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}")
				+ ".";
	}

	private String forgedHmacWithProviderKey() {
		JsonNode jwks = TestHttp.json(this.provider.get("/oauth2/jwks", null));
		JsonNode key = jwks.get("keys").get(0);
		try {
			long now = Instant.now().getEpochSecond();
			com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.get("kid").asString())
						.type(new JOSEObjectType("at+jwt"))
						.build(),
					new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(this.provider.baseUrl())
						.subject("idp-admin")
						.claim("client_id", "idp-admin")
						.claim("scope", "idp:admin")
						.issueTime(Date.from(Instant.ofEpochSecond(now)))
						.expirationTime(Date.from(Instant.ofEpochSecond(now + 600)))
						.build());
			byte[] secret = key.toString().getBytes(StandardCharsets.UTF_8);
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String b64(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	static String printable(String value) {
		StringBuilder label = new StringBuilder();
		value.codePoints().limit(40).forEach((c) -> {
			if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff) || c > 0xffef) {
				label.append(String.format("\\u%04x", c));
			}
			else {
				label.append(Character.toChars(c));
			}
		});
		return label.isEmpty() ? "(empty)" : label.toString();
	}

	private static String abbreviate(String body) {
		return (body.length() > 400) ? body.substring(0, 400) + "..." : body;
	}

}
