package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.NewKey;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Tool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agent tokens end to end over HTTP on a real PostgreSQL: {@code private_key_jwt} with
 * Ed25519 and ES256 assertions built by Nimbus (as a stock client library would),
 * issuance rules, every refusal (RFC 6749 error, audited, no token row), introspection
 * and revocation with their caller rules, and revocation on suspend.
 */
class AgentTokenIntegrationTests extends ProviderIntegrationTestSupport {

	static final String RS_SECRET = "resource-server-secret-0123456789-abcdefghijklmn";

	@Autowired
	dev.agentidp.tokens.TokenService tokens;

	@BeforeEach
	void setUp() {
		if (this.clients.findClient("rs-1").isEmpty()) {
			this.clients.registerWithSecret("rs-1", "Resource server", ClientKind.RESOURCE_SERVER, RS_SECRET, Set.of());
		}
	}

	// --- issuance --------------------------------------------------------------------

	@Test
	void agentGetsATaskScopedRfc9068TokenWithItsEd25519Key() {
		TestAgent agent = registerAgent("crm:read", "crm:write");
		Map<String, String> form = agent.form("EdDSA");
		form.put("scope", "crm:read");
		form.put("task", "ticket-42");
		form.put("ttl", "60");
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		// expires_in counts from the response, so it may be a second short of the
		// lifetime
		assertThat(body.get("expires_in").asInt()).isBetween(59, 60);
		assertThat(body.get("scope").asString()).isEqualTo("crm:read");
		String token = body.get("access_token").asString();
		JsonNode header = TestHttp.part(token, 0);
		JsonNode claims = TestHttp.part(token, 1);
		assertThat(header.get("typ").asString()).isEqualTo("at+jwt");
		assertThat(header.get("alg").asString()).isEqualTo("ES256");
		assertThat(claims.get("sub").asString()).isEqualTo(agent.id());
		assertThat(claims.get("client_id").asString()).isEqualTo(agent.id());
		assertThat(claims.get("scope").asString()).isEqualTo("crm:read");
		assertThat(claims.get("task").asString()).isEqualTo("ticket-42");
		assertThat(claims.get("owner").asString()).isEqualTo("owner@example.com");
		assertThat(claims.get("agent_version").asLong()).isEqualTo(1);
		assertThat(claims.get("iss").asString()).isEqualTo(this.http.baseUrl());
		assertThat(claims.get("aud").get(0).asString()).isEqualTo(this.http.baseUrl());
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(60);
		String jti = claims.get("jti").asString();
		assertThat(this.jdbc.sql("SELECT agent_id::text FROM issued_token WHERE jti = ?")
			.param(jti)
			.query(String.class)
			.single()).isEqualTo(agent.id());
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued", "allow")).isEqualTo(1);
	}

	@Test
	void rfc9864Ed25519AlgorithmNameIsAcceptedToo() {
		TestAgent agent = registerAgent("crm:read");
		assertThat(this.http.postForm("/oauth2/token", null, null, agent.form("Ed25519", "crm:read")).statusCode())
			.isEqualTo(200);
	}

	@Test
	void resourcesBecomeTheAudienceAndTtlIsCappedByTheAgentsMaximum() {
		TestAgent agent = registerAgent(List.of("https://api.example.com/crm", "https://mcp.example.com/tools"),
				"crm:read");
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		agent.form("EdDSA", "crm:read").forEach(form::add);
		form.add("resource", "https://api.example.com/crm");
		form.add("resource", "https://mcp.example.com/tools");
		form.add("ttl", "999999");
		String token = RestClient.create(this.http.baseUrl())
			.post()
			.uri("/oauth2/token")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(JsonNode.class)
			.get("access_token")
			.asString();
		JsonNode claims = TestHttp.part(token, 1);
		assertThat(claims.get("aud").size()).isEqualTo(2);
		assertThat(claims.get("aud").get(1).asString()).isEqualTo("https://mcp.example.com/tools");
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
	}

	@Test
	void aResourceTheAgentDoesNotDeclareIsInvalidTargetAndDeclaredOnesAreAccepted() {
		// issue 14, item 10: the declared resources are the tools' MCP servers and the
		// identity document's resources
		TestAgent agent = registerProfile(profile("agent-" + UUID.randomUUID(), List.of("crm:read"),
				List.of(new Tool("tickets", "https://mcp.example.com/tickets", List.of())),
				List.of("https://api.example.com/crm")));
		for (String undeclared : List.of("https://evil.example.com", "https://api.example.com/crm/",
				"https://api.example.com", "urn:example:anything")) {
			Map<String, String> form = agent.form("EdDSA", "crm:read");
			form.put("resource", undeclared);
			JsonNode refused = assertRefused(agent, form, 400, "invalid_target");
			assertThat(refused.get("error_description").asString()).as(undeclared)
				.contains(undeclared)
				.contains("tools[].mcpServer or resources");
		}
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		agent.form("EdDSA", "crm:read").forEach(form::add);
		form.add("resource", "https://mcp.example.com/tickets");
		form.add("resource", "https://api.example.com/crm");
		JsonNode claims = TestHttp.part(RestClient.create(this.http.baseUrl())
			.post()
			.uri("/oauth2/token")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(JsonNode.class)
			.get("access_token")
			.asString(), 1);
		assertThat(claims.get("aud").values()).extracting(JsonNode::asString)
			.containsExactly("https://mcp.example.com/tickets", "https://api.example.com/crm");
		// without resource: the default audience, as before
		JsonNode plain = TestHttp
			.json(this.http.postForm("/oauth2/token", null, null, agent.form("EdDSA", "crm:read")));
		assertThat(TestHttp.part(plain.get("access_token").asString(), 1).get("aud").get(0).asString())
			.isEqualTo(this.http.baseUrl());
	}

	@Test
	void withoutTtlTheAgentsDefaultLifetimeApplies() {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		form.put("ttl", "");
		JsonNode body = TestHttp.json(this.http.postForm("/oauth2/token", null, null, form));
		assertThat(body.get("expires_in").asInt()).isBetween(899, 900);
		JsonNode claims = TestHttp.part(body.get("access_token").asString(), 1);
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
	}

	@Test
	void stockClientLibraryObtainsATokenWithAnEs256Key() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
		String id = this.agents
			.register(profile("es-agent-" + UUID.randomUUID(), List.of("crm:read"), List.of(), List.of()),
					NewKey.parse(key.toPublicJWK().toJSONString()), "test")
			.agent()
			.id()
			.toString();
		SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
				new JWTClaimsSet.Builder().issuer(id)
					.subject(id)
					.audience(this.http.baseUrl() + "/oauth2/token")
					.jwtID(UUID.randomUUID().toString())
					.issueTime(new Date())
					.expirationTime(Date.from(Instant.now().plusSeconds(60)))
					.build());
		assertion.sign(new ECDSASigner(key));
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("client_id", id);
		form.add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
		form.add("client_assertion", assertion.serialize());
		form.add("scope", "crm:read");
		JsonNode body = RestClient.create(this.http.baseUrl())
			.post()
			.uri("/oauth2/token")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(JsonNode.class);
		assertThat(body.get("access_token").asString()).isNotBlank();
	}

	// --- refusals: RFC 6749 error, audited, no token row -------------------------------

	@Test
	void unsignedAssertionIsInvalidClient() {
		TestAgent agent = registerAgent("crm:read");
		String header = b64("{\"alg\":\"none\"}");
		String payload = b64("{\"iss\":\"" + agent.id() + "\",\"sub\":\"" + agent.id() + "\",\"aud\":\""
				+ this.http.baseUrl() + "\",\"jti\":\"" + UUID.randomUUID() + "\",\"exp\":"
				+ (Instant.now().getEpochSecond() + 60) + "}");
		assertRefused(agent, agent.formWith(header + "." + payload + ".", "crm:read"), 401, "invalid_client");
	}

	@Test
	void hmacAssertionSignedWithThePublicKeyIsInvalidClient() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		byte[] secret = agent.key().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
		SignedJWT forged = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(agent.key().getKeyID()).build(),
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(60)).build());
		forged.sign(new MACSigner(secret));
		assertRefused(agent, agent.formWith(forged.serialize(), "crm:read"), 401, "invalid_client");
	}

	@Test
	void assertionSignedByAnotherAgentsKeyIsInvalidClient() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		TestAgent other = registerAgent("crm:read");
		String assertion = TestAgent.sign(other.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(60)).build());
		assertRefused(agent, agent.formWith(assertion, "crm:read"), 401, "invalid_client");
	}

	@Test
	void expiredNotYetValidOrTooLongLivedAssertionsAreInvalidClient() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		String expired = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().minusSeconds(120)).build());
		assertRefused(agent, agent.formWith(expired, "crm:read"), 401, "invalid_client");
		String future = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(240))
					.notBeforeTime(Date.from(Instant.now().plusSeconds(180)))
					.build());
		assertRefused(agent, agent.formWith(future, "crm:read"), 401, "invalid_client");
		String tooLong = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(3700)).build());
		assertRefused(agent, agent.formWith(tooLong, "crm:read"), 401, "invalid_client");
	}

	@Test
	void replayedAssertionIsInvalidClientAndTheReasonIsAudited() {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		assertThat(this.http.postForm("/oauth2/token", null, null, form).statusCode()).isEqualTo(200);
		assertRefused(agent, form, 401, "invalid_client");
		assertThat(this.jdbc.sql("SELECT reason FROM audit_record WHERE chain = ? AND action = 'token.denied'")
			.param(agent.id())
			.query(String.class)
			.list()).anySatisfy((reason) -> assertThat(reason).contains("replayed"));
	}

	@Test
	void wrongAudienceOrIssuerIsInvalidClient() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		String wrongAudience = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims("https://elsewhere.example", Instant.now().plusSeconds(60)).build());
		assertRefused(agent, agent.formWith(wrongAudience, "crm:read"), 401, "invalid_client");
		String wrongIssuer = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(60)).issuer("someone-else").build());
		assertRefused(agent, agent.formWith(wrongIssuer, "crm:read"), 401, "invalid_client");
	}

	// --- client_id from the assertion (RFC 7521 §4.2) and the assertion's lifetime ----

	@Test
	void aTokenRequestWithoutClientIdIsAuthenticatedAsTheAgentItsAssertionNamesInIssAndSub() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = withoutClientId(agent.form("EdDSA", "crm:read"));
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode claims = TestHttp.part(TestHttp.json(response).get("access_token").asString(), 1);
		assertThat(claims.get("client_id").asString()).isEqualTo(agent.id());
		assertThat(claims.get("sub").asString()).isEqualTo(agent.id());
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.issued", "allow")).isEqualTo(1);
	}

	@Test
	void withoutClientIdAnAssertionWhoseIssIsNotItsSubIsInvalidClientAndSaysSo() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		TestAgent other = registerAgent("crm:read");
		String assertion = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(60)).subject(other.id()).build());
		JsonNode error = assertRefused(agent, withoutClientId(agent.formWith(assertion, "crm:read")), 401,
				"invalid_client");
		assertThat(error.get("error_description").asString()).contains("iss and sub");
	}

	@Test
	void withoutClientIdAClientAssertionThatIsNotAJwtIsInvalidRequestAndTheDescriptionNamesClientId() {
		TestAgent agent = registerAgent("crm:read");
		JsonNode error = assertRefused(null, withoutClientId(agent.formWith("not-a-jwt", "crm:read")), 400,
				"invalid_request");
		assertThat(error.get("error_description").asString()).contains("client_id");
	}

	@Test
	void aClientIdOtherThanTheAssertionsIssIsInvalidClient() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		TestAgent other = registerAgent("crm:read");
		// the assertion is verified with the keys of the client that client_id names
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		form.put("client_id", other.id());
		JsonNode error = assertRefused(other, form, 401, "invalid_client");
		assertThat(error.get("error_description").asString()).contains("signed with a key registered for the client");
		// and signed with that client's key, its iss and sub must still name that client
		String signedByOther = TestAgent.sign(other.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(60)).build());
		Map<String, String> named = agent.formWith(signedByOther, "crm:read");
		named.put("client_id", other.id());
		assertThat(assertRefused(other, named, 401, "invalid_client").get("error_description").asString())
			.contains("iss and sub must both be the client id");
	}

	@Test
	void anAssertionMayExpireSixtyMinutesAheadButNotOneHundredSecondsMore() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		String hour = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(3600)).build());
		HttpResponse<String> accepted = this.http.postForm("/oauth2/token", null, null,
				agent.formWith(hour, "crm:read"));
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
		String longer = TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA,
				agent.claims(this.http.baseUrl(), Instant.now().plusSeconds(3700)).build());
		JsonNode error = assertRefused(agent, agent.formWith(longer, "crm:read"), 401, "invalid_client");
		assertThat(error.get("error_description").asString()).contains("expires more than 60 minutes ahead");
	}

	@Test
	void aReplayedSixtyMinuteAssertionIsRefusedBecauseItsJtiIsKeptUntilItsExp() throws Exception {
		TestAgent agent = registerAgent("crm:read");
		Instant expiresAt = Instant.now().plusSeconds(3600);
		JWTClaimsSet claims = agent.claims(this.http.baseUrl(), expiresAt).build();
		Map<String, String> form = agent.formWith(TestAgent.sign(agent.key(), JWSAlgorithm.EdDSA, claims), "crm:read");
		assertThat(this.http.postForm("/oauth2/token", null, null, form).statusCode()).isEqualTo(200);
		this.tokens.purgeExpired();
		Instant kept = this.jdbc.sql("SELECT expires_at FROM client_assertion WHERE client_id = ? AND jti = ?")
			.params(agent.id(), claims.getJWTID())
			.query(java.sql.Timestamp.class)
			.single()
			.toInstant();
		assertThat(kept).isAfterOrEqualTo(expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
		JsonNode error = assertRefused(agent, form, 401, "invalid_client");
		assertThat(error.get("error_description").asString()).contains("replayed");
	}

	@Test
	void unknownClientIsInvalidClient() {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		form.put("client_id", UUID.randomUUID().toString());
		long before = TestAssertions.rows(this.jdbc, "issued_token");
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("invalid_client");
		assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(before);
	}

	@Test
	void scopeMissingEmptyOrOutsideTheCapabilitiesIsInvalidScope() {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> missing = agent.form("EdDSA", "crm:read");
		missing.remove("scope");
		assertRefused(agent, missing, 400, "invalid_scope");
		assertRefused(agent, agent.form("EdDSA", ""), 400, "invalid_scope");
		assertRefused(agent, agent.form("EdDSA", "crm:read crm:delete"), 400, "invalid_scope");
	}

	@Test
	void malformedTaskOrTtlIsInvalidRequest() {
		TestAgent agent = registerAgent("crm:read");
		for (String task : List.of("has space", "x".repeat(129), "semi;colon")) {
			Map<String, String> form = agent.form("EdDSA", "crm:read");
			form.put("task", task);
			assertRefused(agent, form, 400, "invalid_request");
		}
		for (String ttl : List.of("0", "-5", "abc", "1.5", "01", "99999999999")) {
			Map<String, String> form = agent.form("EdDSA", "crm:read");
			form.put("ttl", ttl);
			assertRefused(agent, form, 400, "invalid_request");
		}
	}

	@Test
	void duplicatedParametersAreInvalidRequest() {
		TestAgent agent = registerAgent("crm:read");
		for (String repeated : List.of("task", "ttl", "scope")) {
			Map<String, String> form = agent.form("EdDSA", "crm:read");
			form.putIfAbsent("task", "t1");
			form.putIfAbsent("ttl", "60");
			String body = TestHttp.encode(form) + "&" + repeated + "=" + ("scope".equals(repeated) ? "crm:read" : "t2");
			long before = TestAssertions.rows(this.jdbc, "issued_token");
			HttpResponse<String> response = this.http.post("/oauth2/token", null, null,
					"application/x-www-form-urlencoded", body);
			assertThat(response.statusCode()).as(repeated).isEqualTo(400);
			assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("invalid_request");
			assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(before);
		}
	}

	@Test
	void malformedResourceIsInvalidTarget() {
		TestAgent agent = registerAgent("crm:read");
		for (String resource : List.of("not a uri", "relative/path", "https://api.example.com/x#fragment")) {
			Map<String, String> form = agent.form("EdDSA", "crm:read");
			form.put("resource", resource);
			assertRefused(agent, form, 400, "invalid_target");
		}
	}

	@Test
	void suspendedAgentAndRetiredKeyAreInvalidClient() {
		TestAgent agent = registerAgent("crm:read");
		this.agents.suspend(AgentId.of(agent.id()), "test", "test");
		assertRefused(null, agent.form("EdDSA", "crm:read"), 401, "invalid_client");
		// the audit trail says why, not only that client authentication failed
		assertThat(this.jdbc.sql("SELECT reason FROM audit_record WHERE chain = ? AND action = 'token.denied'")
			.param(agent.id())
			.query(String.class)
			.list()).containsExactly("invalid_client: the agent is suspended");
		TestAgent rotated = registerAgent("crm:read");
		this.agents.addKey(AgentId.of(rotated.id()), NewKey.generate(), "test");
		this.agents.retireKey(AgentId.of(rotated.id()), rotated.key().getKeyID(), 0, false, "test");
		assertRefused(rotated, rotated.form("EdDSA", "crm:read"), 401, "invalid_client");
	}

	@Test
	void derivedSubAgentIsUnauthorizedClient() throws Exception {
		TestAgent parent = registerAgent("crm:read");
		OctetKeyPair subKey = new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(Curve.Ed25519)
			.keyIDFromThumbprint(true)
			.generate();
		String subId = this.agents
			.registerSubAgent(AgentId.of(parent.id()), "helper", Set.of("crm:read"),
					subKey.toPublicJWK().toJSONString(), parent.id())
			.id()
			.toString();
		TestAgent sub = new TestAgent(subId, subKey, this.http.baseUrl());
		assertRefused(sub, sub.form("EdDSA", "crm:read"), 400, "unauthorized_client");
	}

	@Test
	void prometheusCountsIssuedTokensAndDenialsByError() {
		TestAgent agent = registerAgent("crm:read");
		agent.token(this.http, "crm:read");
		this.http.postForm("/oauth2/token", null, null, agent.form("EdDSA", "crm:delete"));
		String metrics = this.http.get("/actuator/prometheus", null).body();
		assertThat(metrics).containsPattern(
				"idp_decisions_total\\{action=\"token.issued\",decision=\"allow\",error=\"none\"[^}]*} [1-9]");
		assertThat(metrics).containsPattern(
				"idp_decisions_total\\{action=\"token.denied\",decision=\"deny\",error=\"invalid_scope\"[^}]*} [1-9]");
	}

	@Test
	void prometheusShowsEachCachesHitsMissesSizeAndEvictions() {
		TestAgent agent = registerAgent("crm:read");
		agent.token(this.http, "crm:read");
		agent.token(this.http, "crm:read");
		this.http.postForm("/oauth2/introspect", "idp-admin", ADMIN_SECRET, Map.of("token", "x"));
		String metrics = this.http.get("/actuator/prometheus", null).body();
		// issue 15, item 6: the registry's and the failed authentications' Caffeine
		// caches
		for (String cache : List.of("agents", "clients", "failed_authentications")) {
			String tag = "cache=\"" + cache + "\"";
			assertThat(metrics).as(cache)
				.containsPattern("cache_gets_total\\{[^}]*" + tag + "[^}]*result=\"hit\"[^}]*} ")
				.containsPattern("cache_gets_total\\{[^}]*" + tag + "[^}]*result=\"miss\"[^}]*} ")
				.containsPattern("cache_size\\{[^}]*" + tag + "[^}]*} ")
				.containsPattern("cache_evictions_total\\{[^}]*" + tag + "[^}]*} ");
		}
		assertThat(metrics).as("the second token found the agent parsed")
			.containsPattern("cache_gets_total\\{[^}]*cache=\"agents\"[^}]*result=\"hit\"[^}]*} [1-9]");
	}

	@Test
	void expiredRowsArePurgedAndLiveOnesKept() {
		TestAgent agent = registerAgent("crm:read");
		String live = TestHttp.part(agent.token(this.http, "crm:read"), 1).get("jti").asString();
		// the store is partitioned by expiry day (V25): a day that lies wholly before the
		// cutoff (now - 1 h) is dropped, with every row in it
		this.jdbc.sql(
				"SELECT issued_token_ensure_partitions(utc.day, utc.day) FROM (SELECT (now() AT TIME ZONE 'UTC')::date - 3 AS day) utc")
			.query(Integer.class)
			.single();
		this.jdbc.sql("INSERT INTO issued_token (jti, client_id, subject, root_jti, issued_at, expires_at)"
				+ " VALUES ('expired-1', 'c', 's', 'expired-1', now() - interval '3 days 1 hour', now() - interval '3 days')")
			.update();
		this.jdbc
			.sql("INSERT INTO client_assertion (client_id, jti, expires_at)"
					+ " VALUES ('c', 'old', now() - interval '10 minutes')")
			.update();
		this.tokens.purgeExpired();
		assertThat(this.jdbc.sql("SELECT count(*) FROM issued_token WHERE jti IN ('expired-1', ?)")
			.param(live)
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM client_assertion WHERE jti = 'old'").query(Long.class).single())
			.isZero();
	}

	// --- introspection ---------------------------------------------------------------

	@Test
	void resourceServerIntrospectsAnActiveTokenWithEveryField() {
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		form.put("task", "t-1");
		String token = TestHttp.json(this.http.postForm("/oauth2/token", null, null, form))
			.get("access_token")
			.asString();
		JsonNode introspection = introspect("rs-1", RS_SECRET, token);
		assertThat(introspection.get("active").asBoolean()).isTrue();
		assertThat(introspection.get("sub").asString()).isEqualTo(agent.id());
		assertThat(introspection.get("client_id").asString()).isEqualTo(agent.id());
		assertThat(introspection.get("scope").asString()).isEqualTo("crm:read");
		assertThat(introspection.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(introspection.get("owner").asString()).isEqualTo("owner@example.com");
		assertThat(introspection.get("task").asString()).isEqualTo("t-1");
		assertThat(introspection.get("agent_status").asString()).isEqualTo("active");
		assertThat(introspection.get("delegation_depth").asInt()).isZero();
		assertThat(introspection.get("iss").asString()).isEqualTo(this.http.baseUrl());
		assertThat(introspection.get("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
		assertThat(introspection.get("jti").asString()).isEqualTo(TestHttp.part(token, 1).get("jti").asString());
		assertThat(introspection.has("act")).isFalse();
	}

	@Test
	void anythingNotActiveIsExactlyActiveFalse() {
		TestAgent agent = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		String altered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
		for (String candidate : List.of("garbage", "a.b.c", altered, "x".repeat(20000))) {
			HttpResponse<String> response = this.http.postForm("/oauth2/introspect", "rs-1", RS_SECRET,
					Map.of("token", candidate));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body().replace(" ", "")).isEqualTo("{\"active\":false}");
		}
		this.agents.suspend(AgentId.of(agent.id()), "test", "test");
		assertThat(introspect("rs-1", RS_SECRET, token).toString()).isEqualTo("{\"active\":false}");
	}

	@Test
	void anAgentIntrospectsItsOwnTokensOnlyAndTheRefusalIsAudited() {
		TestAgent agent = registerAgent("crm:read");
		TestAgent other = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		Map<String, String> own = agent.form("EdDSA", null);
		own.put("token", token);
		JsonNode mine = TestHttp.json(this.http.postForm("/oauth2/introspect", null, null, own));
		assertThat(mine.get("active").asBoolean()).isTrue();
		Map<String, String> foreign = other.form("EdDSA", null);
		foreign.put("token", token);
		HttpResponse<String> response = this.http.postForm("/oauth2/introspect", null, null, foreign);
		assertThat(response.body().replace(" ", "")).isEqualTo("{\"active\":false}");
		assertThat(TestAssertions.auditCount(this.jdbc, other.id(), "token.introspected", "deny")).isEqualTo(1);
	}

	@Test
	void unauthenticatedIntrospectionIs401InvalidClient() {
		HttpResponse<String> response = this.http.postForm("/oauth2/introspect", null, null, Map.of("token", "x"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("invalid_client");
		HttpResponse<String> wrong = this.http.postForm("/oauth2/introspect", "rs-1", "wrong-secret",
				Map.of("token", "x"));
		assertThat(wrong.statusCode()).isEqualTo(401);
	}

	// --- revocation --------------------------------------------------------------------

	@Test
	void theAgentRevokesItsOwnTokenAndIntrospectionSeesItAtOnce() {
		TestAgent agent = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		Map<String, String> form = agent.form("EdDSA", null);
		form.put("token", token);
		assertThat(this.http.postForm("/oauth2/revoke", null, null, form).statusCode()).isEqualTo(200);
		assertThat(introspect("rs-1", RS_SECRET, token).toString()).isEqualTo("{\"active\":false}");
		assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.revoked", "allow")).isEqualTo(1);
	}

	@Test
	void anotherAgentCannotRevokeAndTheTokenStaysActive() {
		TestAgent agent = registerAgent("crm:read");
		TestAgent other = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		Map<String, String> form = other.form("EdDSA", null);
		form.put("token", token);
		HttpResponse<String> response = this.http.postForm("/oauth2/revoke", null, null, form);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("unauthorized_client");
		assertThat(introspect("rs-1", RS_SECRET, token).get("active").asBoolean()).isTrue();
		HttpResponse<String> resourceServer = this.http.postForm("/oauth2/revoke", "rs-1", RS_SECRET,
				Map.of("token", token));
		assertThat(resourceServer.statusCode()).isEqualTo(400);
		assertThat(introspect("rs-1", RS_SECRET, token).get("active").asBoolean()).isTrue();
	}

	@Test
	void unknownTokenRevocationIs200AndAdminMayRevokeAnyToken() {
		assertThat(this.http.postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET, Map.of("token", "nonsense"))
			.statusCode()).isEqualTo(200);
		TestAgent agent = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		assertThat(this.http.postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET, Map.of("token", token)).statusCode())
			.isEqualTo(200);
		assertThat(introspect("rs-1", RS_SECRET, token).toString()).isEqualTo("{\"active\":false}");
	}

	/**
	 * Issue 14, item 5: a failed HTTP Basic authentication is recorded against the Basic
	 * user that failed, not against a client_id sent beside it (a victim's chain).
	 */
	@Test
	void aFailedBasicAuthenticationIsAttributedToTheBasicUserNotToTheFormsClientId() {
		TestAgent victim = registerAgent("crm:read");
		long victimsDenials = TestAssertions.auditCount(this.jdbc, victim.id(), "token.denied", "deny");
		HttpResponse<String> response = this.http.postForm("/oauth2/token", "idp-admin",
				"wrong-secret-0123456789-abcdefghijklmnopqrstu",
				Map.of("grant_type", "client_credentials", "scope", "idp:admin", "client_id", victim.id()));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestAssertions.auditCount(this.jdbc, victim.id(), "token.denied", "deny")).isEqualTo(victimsDenials);
		assertThat(this.jdbc
			.sql("SELECT actor FROM audit_record WHERE chain = '_system' AND action = 'token.denied'"
					+ " ORDER BY occurred_at DESC, seq DESC LIMIT 1")
			.query(String.class)
			.single()).isEqualTo("idp-admin");
	}

	/** Issue 14, item 12: revoking any token needs idp:admin, as on the admin API. */
	@Test
	void anAdminClientWithoutIdpAdminCannotRevokeAnotherClientsToken() {
		String reader = "audit-reader-" + UUID.randomUUID();
		String secret = "audit-reader-secret-0123456789-abcdefghijklmn";
		this.clients.registerWithSecret(reader, "Audit reader", ClientKind.ADMIN, secret, Set.of("idp:audit:read"));
		TestAgent agent = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		HttpResponse<String> response = this.http.postForm("/oauth2/revoke", reader, secret, Map.of("token", token));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("unauthorized_client");
		assertThat(introspect("rs-1", RS_SECRET, token).get("active").asBoolean()).isTrue();
	}

	@Test
	void suspendingAnAgentRevokesItsTokensForGood() {
		TestAgent agent = registerAgent("crm:read");
		String token = agent.token(this.http, "crm:read");
		this.agents.suspend(AgentId.of(agent.id()), "incident", "test");
		this.agents.resume(AgentId.of(agent.id()), "resolved", "test");
		assertThat(introspect("rs-1", RS_SECRET, token).toString()).isEqualTo("{\"active\":false}");
		assertThat(agent.token(this.http, "crm:read")).isNotBlank();
	}

	@Test
	void retiringAKeyWithRevokeTokensRevokesWhatWasObtainedWithItAndNothingElse() throws Exception {
		// issue 14, item 18: each token records the key that authenticated its request
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		TestAgent first = registerAgent("crm:read");
		OctetKeyPair secondKey = OctetKeyPair
			.parse(this.agents.addKey(AgentId.of(first.id()), NewKey.generate(), "test").privateJwk());
		TestAgent second = new TestAgent(first.id(), secondKey, first.audience());
		String withFirst = first.token(this.http, "crm:read");
		String withSecond = second.token(this.http, "crm:read");
		// a token derived by an exchange authenticated with the first key, from a token
		// obtained with the second
		Map<String, String> exchange = first.form("EdDSA", null);
		exchange.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		exchange.put("subject_token", withSecond);
		exchange.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
		exchange.put("sub_agent", "helper");
		exchange.put("scope", "crm:read");
		HttpResponse<String> exchanged = this.http.postForm("/oauth2/token", null, null, exchange);
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		String derived = TestHttp.json(exchanged).get("access_token").asString();
		// an assertion without kid: the key whose signature verifies is recorded
		JWTClaimsSet claims = second.claims(second.audience(), Instant.now().plusSeconds(60)).build();
		SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT).build(),
				claims);
		noKid.sign(new Ed25519Signer(secondKey));
		HttpResponse<String> kidless = this.http.postForm("/oauth2/token", null, null,
				second.formWith(noKid.serialize(), "crm:read"));
		assertThat(kidless.statusCode()).as(kidless.body()).isEqualTo(200);
		String withoutKid = TestHttp.json(kidless).get("access_token").asString();
		assertThat(this.jdbc.sql("SELECT client_kid FROM issued_token WHERE jti = ?")
			.param(TestHttp.part(withoutKid, 1).get("jti").asString())
			.query(String.class)
			.single()).isEqualTo(secondKey.getKeyID());
		// without revokeTokens, retiring a key leaves its tokens alone (as before)
		HttpResponse<String> bad = this.http.send("DELETE",
				"/admin/v1/agents/" + first.id() + "/keys/" + first.key().getKeyID() + "?revokeTokens=maybe", admin,
				null, null);
		assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
		HttpResponse<String> retired = this.http.send("DELETE",
				"/admin/v1/agents/" + first.id() + "/keys/" + first.key().getKeyID() + "?revokeTokens=true", admin,
				null, null);
		assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);
		assertThat(introspect("rs-1", RS_SECRET, withFirst).get("active").asBoolean()).isFalse();
		assertThat(introspect("rs-1", RS_SECRET, derived).get("active").asBoolean()).isFalse();
		assertThat(introspect("rs-1", RS_SECRET, withSecond).get("active").asBoolean()).isTrue();
		assertThat(introspect("rs-1", RS_SECRET, withoutKid).get("active").asBoolean()).isTrue();
		assertThat(this.jdbc
			.sql("SELECT details->>'revoked' FROM audit_record WHERE chain = ? AND action = 'token.revoked'"
					+ " AND target = ?")
			.params(first.id(), first.key().getKeyID())
			.query(String.class)
			.single()).isEqualTo("2");
	}

	// --- admin API over tokens
	// ----------------------------------------------------------

	@Test
	void adminListsLiveTokensAndRevokesByJtiAgentOrTask() {
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		TestAgent agent = registerAgent("crm:read");
		Map<String, String> form = agent.form("EdDSA", "crm:read");
		form.put("task", "batch-7");
		this.http.postForm("/oauth2/token", null, null, form);
		String second = agent.token(this.http, "crm:read");
		JsonNode live = TestHttp.json(this.http.get("/admin/v1/agents/" + agent.id() + "/tokens", admin));
		assertThat(live.get("items").size()).isEqualTo(2);
		assertThat(live.get("items").get(0).has("jti")).isTrue();
		assertThat(this.http
			.post("/admin/v1/tokens/revoke", null, null, "application/json", "{\"task\":\"batch-7\"}", admin)
			.body()).isEqualTo("{\"revoked\":1}");
		assertThat(this.http
			.post("/admin/v1/tokens/revoke", null, null, "application/json", "{\"task\":\"batch-7\"}", admin)
			.body()).isEqualTo("{\"revoked\":0}");
		assertThat(this.http
			.post("/admin/v1/tokens/revoke", null, null, "application/json",
					"{\"jti\":\"" + TestHttp.part(second, 1).get("jti").asString() + "\"}", admin)
			.body()).isEqualTo("{\"revoked\":1}");
		assertThat(
				TestHttp.json(this.http.get("/admin/v1/agents/" + agent.id() + "/tokens", admin)).get("items").size())
			.isZero();
		HttpResponse<String> bad = this.http.post("/admin/v1/tokens/revoke", null, null, "application/json",
				"{\"jti\":\"a\",\"task\":\"b\"}", admin);
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.http.get("/admin/v1/agents/" + UUID.randomUUID() + "/tokens", admin).statusCode())
			.isEqualTo(404);
	}

	/**
	 * Issue 15, item 7: the admin API takes a jti of up to 128 characters, a token's has
	 * at most 64. A longer one names no token: answered and audited as an unknown jti is.
	 */
	@Test
	void aRevocationByAJtiLongerThanAnyTokensRevokesNothingAndIsAuditedAsAnUnknownOne() {
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		for (String jti : List.of("unknown-" + UUID.randomUUID(), "j".repeat(92) + UUID.randomUUID())) {
			assertThat(this.http
				.post("/admin/v1/tokens/revoke", null, null, "application/json", "{\"jti\":\"" + jti + "\"}", admin)
				.body()).isEqualTo("{\"revoked\":0}");
			assertThat(this.jdbc.sql("""
					SELECT count(*) FROM audit_record WHERE chain = '_system' AND action = 'token.revoked'
					AND target = ? AND details->>'by' = 'jti' AND details->>'revoked' = '0'""")
				.param(jti)
				.query(Long.class)
				.single()).as(jti).isEqualTo(1);
		}
	}

	// --- helpers
	// ------------------------------------------------------------------------

	private JsonNode introspect(String clientId, String secret, String token) {
		HttpResponse<String> response = this.http.postForm("/oauth2/introspect", clientId, secret,
				Map.of("token", token));
		assertThat(response.statusCode()).isEqualTo(200);
		return TestHttp.json(response);
	}

	/**
	 * The request is refused with this status and error, says why in an
	 * {@code error_description}, issues nothing and is audited on the agent's chain.
	 */
	private JsonNode assertRefused(TestAgent agent, Map<String, String> form, int status, String error) {
		long rows = TestAssertions.rows(this.jdbc, "issued_token");
		long denials = (agent != null) ? TestAssertions.auditCount(this.jdbc, agent.id(), "token.denied", "deny") : 0;
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.hasNonNull("error_description")).as(response.body()).isTrue();
		assertThat(body.get("error_description").asString()).as(response.body()).isNotBlank();
		assertThat(response.body()).doesNotContain("Exception");
		assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(rows);
		if (agent != null) {
			assertThat(TestAssertions.auditCount(this.jdbc, agent.id(), "token.denied", "deny")).isEqualTo(denials + 1);
		}
		return body;
	}

	/** The form as a client that names itself only in the assertion sends it. */
	private static Map<String, String> withoutClientId(Map<String, String> form) {
		form.remove("client_id");
		return form;
	}

	private TestAgent registerAgent(String... scopes) {
		return registerAgent(List.of(), scopes);
	}

	private TestAgent registerAgent(List<String> resources, String... scopes) {
		return registerProfile(profile("agent-" + UUID.randomUUID(), List.of(scopes), List.of(), resources));
	}

	private TestAgent registerProfile(AgentProfile profile) {
		var registration = this.agents.register(profile, NewKey.generate(), "test");
		try {
			OctetKeyPair key = OctetKeyPair.parse(registration.privateJwk());
			return new TestAgent(registration.agent().id().toString(), key, this.http.baseUrl());
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static AgentProfile profile(String name, List<String> scopes, List<Tool> tools, List<String> resources) {
		return new AgentProfile(name, "owner@example.com", null, null, null, null, null,
				scopes.stream().map((scope) -> new Capability(scope, "test", RiskLevel.LOW)).toList(), tools, resources,
				List.of(), null, null);
	}

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
