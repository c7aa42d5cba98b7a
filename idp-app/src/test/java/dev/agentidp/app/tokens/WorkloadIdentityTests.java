package dev.agentidp.app.tokens;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.approvals.ApprovalFilter;
import dev.agentidp.approvals.ApprovalId;
import dev.agentidp.approvals.Approvals;
import dev.agentidp.approvals.Approver;
import dev.agentidp.db.test.TestDatabase;
import dev.agentidp.registry.AgentId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.agentidp.app.fixtures.TestAssertions.assertOAuthError;
import static dev.agentidp.app.fixtures.TestAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workload identity federation (docs/workload-identity.md), end to end on real
 * PostgreSQL: trusted issuers through the admin API, and agents that authenticate at the
 * token endpoint with a Kubernetes projected service-account token or a SPIFFE JWT-SVID
 * signed by a local issuer with keys of its own, served over HTTP ({@link LocalIssuer}).
 * The provider runs in the {@code prod} profile with the documented
 * {@code idp.tokens.workload.allow-insecure-urls} (the issuers are on loopback http), and
 * refetches on an unknown {@code kid} after 1 s, for the key rollover.
 */
class WorkloadIdentityTests {

	private static final String ISSUER = "http://idp.test";

	private static final String SERVICE_ACCOUNT = "system:serviceaccount:payments:refund-agent";

	private static final String SPIFFE_ID = "spiffe://example.org/ns/payments/sa/refund-agent";

	@TempDir
	static Path dataDir;

	static TestProvider provider;

	static LocalIssuer kubernetes;

	static LocalIssuer spire;

	static TestHttp http;

	static String admin;

	static LocalIssuer attester;

	static final String IMAGE = "sha256:" + "a".repeat(64);

	static final String CONFIG = "sha256:" + "c".repeat(64);

	static final String NEW_IMAGE = "sha256:" + "b".repeat(64);

	static TestAgents agents;

	@BeforeAll
	static void start() {
		kubernetes = LocalIssuer.kubernetes();
		spire = LocalIssuer.spire();
		attester = LocalIssuer.attester();
		provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "spring.profiles.active", "prod", "idp.issuer",
				ISSUER, "idp.tokens.key-encryption-key", Base64.getEncoder().encodeToString(new byte[32]),
				"idp.tokens.workload.allow-insecure-urls", "true", "idp.tokens.workload.unknown-kid-refetch-interval",
				"1s", "idp.tokens.max-failed-authentications-per-minute", "1000000",
				"idp.audit.refusals.individual-per-source", "1000000", "idp.audit.refusals.max-individual", "1000000");
		http = provider.http();
		admin = http.token("idp-admin", TestProvider.ADMIN_SECRET, "idp:admin");
		agents = new TestAgents(http, admin, ISSUER);
		// the Kubernetes issuer's keys are discovered from its OpenID metadata
		assertThat(addIssuer("{\"issuer\":\"" + kubernetes.issuer()
				+ "\",\"kind\":\"kubernetes\",\"subjectPattern\":\"system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+\","
				+ "\"maxTokenAgeSeconds\":3600}")
			.statusCode()).isEqualTo(201);
		assertThat(addIssuer("{\"issuer\":\"" + spire.issuer() + "\",\"kind\":\"spiffe\",\"jwksUri\":\""
				+ spire.jwksUri() + "\",\"trustDomain\":\"example.org\"}")
			.statusCode()).isEqualTo(201);
		assertThat(addIssuer("{\"issuer\":\"" + attester.issuer() + "\",\"kind\":\"attester\",\"jwksUri\":\""
				+ attester.jwksUri() + "\"}")
			.statusCode()).isEqualTo(201);
	}

	@AfterAll
	static void stop() {
		TestProvider.closeAll(provider);
		kubernetes.close();
		spire.close();
		attester.close();
	}

	private static HttpResponse<String> addIssuer(String json) {
		return http.postJson("/admin/v1/trusted-issuers", json, admin);
	}

	private static JdbcClient jdbc() {
		return provider.jdbc();
	}

	/** An agent whose document declares one workload identity. */
	private static TestAgent agent(String issuer, String subject) {
		return agents.document("workload").scopes("payments:refund").edit((doc) -> {
			ObjectNode identity = doc.putArray("workloadIdentity").addObject();
			identity.put("issuer", issuer);
			identity.put("subject", subject);
		}).register();
	}

	private static HttpResponse<String> tokenRequest(TestAgent agent, String assertion) {
		return http.postForm("/oauth2/token", agent.formWith(assertion, "payments:refund"));
	}

	private static long tokens(TestAgent agent) {
		return jdbc().sql("SELECT count(*) FROM issued_token WHERE agent_id = ?::uuid")
			.param(agent.id())
			.query(Long.class)
			.single();
	}

	private static long denials(TestAgent agent, String reason) {
		return jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied' AND reason LIKE ?")
			.params(agent.id(), "%" + reason + "%")
			.query(Long.class)
			.single();
	}

	/** Refused with invalid_client, audited on the agent's chain, and no token issued. */
	private static void assertRefused(TestAgent agent, String assertion, String description) {
		long before = denials(agent, description);
		HttpResponse<String> response = tokenRequest(agent, assertion);
		assertOAuthError(response, 401, "invalid_client", description);
		assertThat(denials(agent, description)).as("audited").isEqualTo(before + 1);
		assertThat(tokens(agent)).as("nothing issued").isZero();
	}

	@Test
	void aKubernetesServiceAccountTokenAuthenticatesTheAgentWithoutAKeyOfItsOwn() {
		TestAgent agent = agent(kubernetes.issuer(), SERVICE_ACCOUNT);
		HttpResponse<String> response = tokenRequest(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, (claims) -> {
		}));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode claims = TestHttp.claims(TestHttp.json(response).get("access_token").asString());
		assertThat(claims.get("sub").asString()).isEqualTo(agent.id());
		assertThat(claims.get("scope").asString()).isEqualTo("payments:refund");
		// the agent's own key still works beside it
		HttpResponse<String> own = http.postForm("/oauth2/token", agent.tokenForm("payments:refund"));
		assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
	}

	@Test
	void anAgentThatDeclaresAWorkloadIdentityIsRegisteredWithoutAKey() {
		HttpResponse<String> created = agents.document("keyless")
			.scopes("payments:refund")
			.generateKey(false)
			.edit((doc) -> doc.putArray("workloadIdentity")
				.addObject()
				.put("issuer", kubernetes.issuer())
				.put("subject", SERVICE_ACCOUNT))
			.post();
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode document = TestHttp.json(created);
		assertThat(document.get("keys").size()).isZero();
		assertThat(document.has("privateJwk")).isFalse();
		TestAgent agent = new TestAgent(document.get("id").asString(), null, ISSUER);
		HttpResponse<String> response = tokenRequest(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, (c) -> {
		}));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		// without a workload identity, a key is still required
		assertProblem(agents.document().scopes("a:b").generateKey(false).post(), 400,
				"jwk: is required: give a public JWK, or generateKey: true");
	}

	@Test
	void aJwtSvidAuthenticatesTheAgent() {
		TestAgent agent = agent(spire.issuer(), SPIFFE_ID);
		HttpResponse<String> response = tokenRequest(agent, spire.token(SPIFFE_ID, ISSUER + "/oauth2/token", (c) -> {
		}));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	/**
	 * draft-ietf-oauth-spiffe-client-auth: the JWT-SVID's own assertion type, with the
	 * agent's client_id and a JWT-SVID that names no iss (the draft makes it optional):
	 * the agent's declaration of the SPIFFE ID names its trusted spiffe issuer.
	 */
	@Test
	void aJwtSvidAuthenticatesTheAgentWithTheDraftsAssertionTypeAndWithoutIss() {
		TestAgent agent = agent(spire.issuer(), SPIFFE_ID);
		HttpResponse<String> response = http.postForm("/oauth2/token",
				spiffeForm(agent, spire.token(SPIFFE_ID, ISSUER, (c) -> c.issuer(null))));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		// with iss, too
		assertThat(http.postForm("/oauth2/token", spiffeForm(agent, spire.token(SPIFFE_ID, ISSUER, (c) -> {
		}))).statusCode()).isEqualTo(200);
	}

	@Test
	void theDraftsAssertionTypeIsRefusedWithoutClientIdOrASpiffeIdOrAWorkloadIdentity() {
		TestAgent agent = agent(spire.issuer(), SPIFFE_ID);
		Map<String, String> noClientId = spiffeForm(agent, spire.token(SPIFFE_ID, ISSUER, (c) -> c.issuer(null)));
		noClientId.remove("client_id");
		assertOAuthError(http.postForm("/oauth2/token", noClientId), 400, "invalid_request", "client_id is required");
		assertOAuthError(
				http.postForm("/oauth2/token", spiffeForm(agent, spire.token("not-a-spiffe-id", ISSUER, (c) -> {
				}))), 401, "invalid_client", "sub must be a SPIFFE ID");
		// the same JWT-SVID without iss as an RFC 7523 jwt-bearer assertion: iss is
		// required there
		assertOAuthError(
				http.postForm("/oauth2/token",
						agent.formWith(spire.token(SPIFFE_ID, ISSUER, (c) -> c.issuer(null)), "payments:refund")),
				401, "invalid_client", "signed with a key registered for the client");
		TestAgent keyed = agents.register("payments:refund");
		assertOAuthError(http.postForm("/oauth2/token", spiffeForm(keyed, spire.token(SPIFFE_ID, ISSUER, (c) -> {
		}))), 401, "invalid_client", "only from an agent that declares a workload identity");
		assertThat(tokens(agent)).isZero();
	}

	private static Map<String, String> spiffeForm(TestAgent agent, String svid) {
		Map<String, String> form = agent.formWith(svid, "payments:refund");
		form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe");
		return form;
	}

	@Test
	void aSpiffeIdOfAnotherTrustDomainIsRefused() {
		String other = "spiffe://evil.example/ns/payments/sa/refund-agent";
		TestAgent agent = agent(spire.issuer(), other);
		assertRefused(agent, spire.token(other, ISSUER, (c) -> {
		}), "trust domain evil.example is not the issuer's (example.org)");
	}

	@Test
	void everyMismatchIsRefusedAuditedAndIssuesNothing() throws Exception {
		TestAgent agent = agent(kubernetes.issuer(), SERVICE_ACCOUNT);
		assertRefused(agent, kubernetes.token("system:serviceaccount:payments:other", ISSUER, (c) -> {
		}), "is not a workload identity of this agent");
		assertRefused(agent, kubernetes.token("not a service account", ISSUER, (c) -> {
		}), "does not match the trusted issuer's subjectPattern");
		assertRefused(agent, kubernetes.token(SERVICE_ACCOUNT, "https://someone-else.example", (c) -> {
		}), "aud must contain the issuer");
		// RFC 7519 §4.1.3: a null member makes aud malformed, even beside the issuer
		assertRefused(agent,
				kubernetes.token(SERVICE_ACCOUNT, ISSUER, (c) -> c.audience(java.util.Arrays.asList(null, ISSUER))),
				"aud must contain the issuer");
		assertRefused(agent,
				kubernetes.token(SERVICE_ACCOUNT, ISSUER,
						(c) -> c.issueTime(new Date(System.currentTimeMillis() - 7_200_000))
							.notBeforeTime(new Date(System.currentTimeMillis() - 7_200_000))
							.expirationTime(new Date(System.currentTimeMillis() - 3_600_000))),
				"the assertion has expired");
		assertRefused(agent,
				kubernetes.token(SERVICE_ACCOUNT, ISSUER,
						(c) -> c.issueTime(new Date(System.currentTimeMillis() - 7_200_000))
							.notBeforeTime(new Date(System.currentTimeMillis() - 7_200_000))),
				"older than the trusted issuer's maxTokenAgeSeconds (3600 s)");
		assertRefused(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, (c) -> c.issueTime(null)), "iat is required");
		// alg none and HMAC (RFC 8725 §3.1)
		JWTClaimsSet claims = SignedJWT.parse(kubernetes.token(SERVICE_ACCOUNT, ISSUER, (c) -> {
		})).getJWTClaimsSet();
		assertRefused(agent, new PlainJWT(claims).serialize(), "must be signed (alg none");
		SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
				claims);
		hmac.sign(new MACSigner(new byte[32]));
		assertRefused(agent, hmac.serialize(), "alg HS256 is refused");
		// a signature by another key with the issuer's kid
		LocalIssuer impostor = LocalIssuer.kubernetes();
		try {
			assertRefused(agent,
					impostor.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kubernetes.kid()).build(), claims),
					"the signature does not verify");
		}
		finally {
			impostor.close();
		}
		// replay of the jti
		String once = kubernetes.token(SERVICE_ACCOUNT, ISSUER, (c) -> {
		});
		assertThat(tokenRequest(agent, once).statusCode()).isEqualTo(200);
		long issued = tokens(agent);
		HttpResponse<String> replay = tokenRequest(agent, once);
		assertOAuthError(replay, 401, "invalid_client", "already used (replayed jti)");
		assertThat(tokens(agent)).isEqualTo(issued);
	}

	@Test
	void aTokenOfAnIssuerTheAgentDoesNotDeclareOrThatIsNotTrustedIsRefused() {
		TestAgent declared = agent("https://kubernetes.default.svc", SERVICE_ACCOUNT);
		// declared in its document, but no administrator trusts that issuer
		assertRefused(declared,
				kubernetes.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kubernetes.kid()).build(),
						new JWTClaimsSet.Builder().issuer("https://kubernetes.default.svc")
							.subject(SERVICE_ACCOUNT)
							.audience(ISSUER)
							.issueTime(new Date())
							.expirationTime(new Date(System.currentTimeMillis() + 600_000))
							.build()),
				"is not a trusted issuer");
		// trusted, but not one of this agent's
		assertRefused(declared, spire.token(SPIFFE_ID, ISSUER, (c) -> {
		}), "is neither the client id nor the issuer of one of its workload identities");
	}

	@Test
	void anIssuerWhoseKeysCannotBeFetchedFailsClosed() {
		String unreachable = "http://127.0.0.1:9/nowhere";
		assertThat(addIssuer("{\"issuer\":\"" + unreachable + "\",\"kind\":\"oidc\"}").statusCode()).isEqualTo(201);
		TestAgent agent = agent(unreachable, "ci-runner");
		String token = kubernetes.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kubernetes.kid()).build(),
				new JWTClaimsSet.Builder().issuer(unreachable)
					.subject("ci-runner")
					.audience(ISSUER)
					.issueTime(new Date())
					.expirationTime(new Date(System.currentTimeMillis() + 600_000))
					.build());
		assertRefused(agent, token, "the issuer's keys cannot be fetched (tried again later)");
	}

	@Test
	void anAttestersTokensAreNoClientAssertions() {
		LocalIssuer attester = LocalIssuer.kubernetes();
		try {
			assertThat(addIssuer("{\"issuer\":\"" + attester.issuer() + "x\",\"kind\":\"attester\",\"jwks\":"
					+ attester.jwks() + "}")
				.statusCode()).isEqualTo(201);
			TestAgent agent = agent(attester.issuer() + "x", SERVICE_ACCOUNT);
			assertRefused(agent,
					attester.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attester.kid()).build(),
							new JWTClaimsSet.Builder().issuer(attester.issuer() + "x")
								.subject(SERVICE_ACCOUNT)
								.audience(ISSUER)
								.issueTime(new Date())
								.expirationTime(new Date(System.currentTimeMillis() + 600_000))
								.build()),
					"is an attester");
		}
		finally {
			attester.close();
		}
	}

	@Test
	void aRotatedIssuerKeyIsPickedUpByItsNewKid() throws Exception {
		TestAgent agent = agent(kubernetes.issuer(), SERVICE_ACCOUNT);
		Consumer<JWTClaimsSet.Builder> none = (c) -> {
		};
		assertThat(tokenRequest(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, none)).statusCode()).isEqualTo(200);
		kubernetes.rotate();
		// past the unknown-kid refetch interval (1 s here)
		Thread.sleep(1_100);
		int fetches = kubernetes.jwksFetches();
		HttpResponse<String> response = tokenRequest(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, none));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(kubernetes.jwksFetches()).isEqualTo(fetches + 1);
		// known now: no further fetch
		assertThat(tokenRequest(agent, kubernetes.token(SERVICE_ACCOUNT, ISSUER, none)).statusCode()).isEqualTo(200);
		assertThat(kubernetes.jwksFetches()).isEqualTo(fetches + 1);
	}

	@Test
	void trustedIssuersAreManagedThroughTheAdminApiAndAudited() {
		long added = TestAssertions.auditCount(jdbc(), "_system", "trusted_issuer.added");
		String issuer = "https://oidc.ci.example/" + UUID.randomUUID();
		HttpResponse<String> created = addIssuer("{\"issuer\":\"" + issuer
				+ "\",\"kind\":\"oidc\",\"jwksUri\":\"https://oidc.ci.example/jwks\",\"audiences\":[\"" + ISSUER
				+ "\"]}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = TestHttp.json(created).get("id").asString();
		assertThat(TestAssertions.auditCount(jdbc(), "_system", "trusted_issuer.added")).isEqualTo(added + 1);
		assertThat(TestHttp.json(http.get("/admin/v1/trusted-issuers/" + id, admin)).get("maxTokenAgeSeconds").asInt())
			.isEqualTo(3600);
		assertThat(http.get("/admin/v1/trusted-issuers", admin).body()).contains(issuer);
		HttpResponse<String> patched = http.send("PATCH", "/admin/v1/trusted-issuers/" + id, admin,
				"application/merge-patch+json", "{\"maxTokenAgeSeconds\":600}");
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		assertThat(TestHttp.json(patched).get("maxTokenAgeSeconds").asInt()).isEqualTo(600);
		assertThat(TestAssertions.auditCount(jdbc(), "_system", "trusted_issuer.updated")).isPositive();
		// bad input: a precise detail, nothing stored
		long rows = TestAssertions.rows(jdbc(), "trusted_issuer");
		assertProblem(addIssuer("{\"issuer\":\"" + issuer + "\",\"kind\":\"oidc\"}"), 409,
				"issuer: " + issuer + " is already a trusted issuer");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"vault\"}"), 400,
				"kind: must be kubernetes, spiffe, attester or oidc");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"jwks\":{\"keys\":[{\"kty\":"
				+ "\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"h\"}]}}"), 400, "jwks.keys[0]: must be a public key");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"spiffe\"}"), 400,
				"trustDomain: is required for kind spiffe");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"subjectPattern\":\"(\"}"), 400,
				"subjectPattern: must be a regular expression");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"maxTokenAgeSeconds\":0}"), 400,
				"maxTokenAgeSeconds: must be between 1 and 86400");
		assertProblem(addIssuer("{\"issuer\":\"https://a.example\",\"kind\":\"oidc\",\"owner\":\"x\"}"), 400,
				"owner: is not a member of a trusted issuer");
		assertThat(TestAssertions.rows(jdbc(), "trusted_issuer")).isEqualTo(rows);
		assertThat(http.send("DELETE", "/admin/v1/trusted-issuers/" + id, admin, null, null).statusCode())
			.isEqualTo(204);
		assertThat(TestAssertions.auditCount(jdbc(), "_system", "trusted_issuer.removed")).isPositive();
		assertProblem(http.get("/admin/v1/trusted-issuers/" + id, admin), 404, "No trusted issuer " + id);
	}

	@Test
	void aRemovedIssuerIsNoLongerTrusted() {
		LocalIssuer removed = LocalIssuer.kubernetes();
		try {
			HttpResponse<String> created = addIssuer("{\"issuer\":\"" + removed.issuer()
					+ "\",\"kind\":\"kubernetes\",\"jwksUri\":\"" + removed.jwksUri() + "\"}");
			TestAgent agent = agent(removed.issuer(), SERVICE_ACCOUNT);
			assertThat(tokenRequest(agent, removed.token(SERVICE_ACCOUNT, ISSUER, (c) -> {
			})).statusCode()).isEqualTo(200);
			http.send("DELETE", "/admin/v1/trusted-issuers/" + TestHttp.json(created).get("id").asString(), admin, null,
					null);
			HttpResponse<String> refused = tokenRequest(agent, removed.token(SERVICE_ACCOUNT, ISSUER, (c) -> {
			}));
			assertOAuthError(refused, 401, "invalid_client", "is not a trusted issuer");
		}
		finally {
			removed.close();
		}
	}

	@Test
	void metadataAdvertisesWorkloadIdentityFederation() {
		JsonNode metadata = TestHttp.json(http.get("/.well-known/oauth-authorization-server", null));
		assertThat(metadata.get("workload_identity_issuer_kinds_supported").toString()).contains("kubernetes",
				"spiffe");
		assertThat(metadata.get("workload_identity_signing_alg_values_supported").toString()).contains("RS256");
		assertThat(metadata.get("token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
	}

	@Test
	void aWorkloadIdentityIsPartOfTheDocumentAndChecked() {
		TestAgent agent = agent(kubernetes.issuer(), SERVICE_ACCOUNT);
		JsonNode document = TestHttp.json(http.get("/admin/v1/agents/" + agent.id(), admin));
		assertThat(document.get("workloadIdentity").get(0).get("subject").asString()).isEqualTo(SERVICE_ACCOUNT);
		assertProblem(agents.document()
			.scopes("a:b")
			.edit((doc) -> doc.putArray("workloadIdentity").addObject().put("issuer", "not a url").put("subject", "x"))
			.post(), 400, "workloadIdentity[0].issuer: must be an absolute https");
		assertProblem(agents.document()
			.scopes("a:b")
			.edit((doc) -> doc.putArray("workloadIdentity")
				.addObject()
				.put("issuer", "https://k8s.example")
				.put("subject", "spiffe://Bad Domain/x"))
			.post(), 400, "workloadIdentity[0].subject: must be 1-512");
	}

	// --- attestation (draft-ietf-oauth-attestation-based-client-auth) ------------------

	/** An agent that requires attestation, with the pinned image, config and model. */
	private static TestAgent attestedAgent(String onMismatch) {
		return agents.document("attested").scopes("payments:refund").edit((doc) -> {
			ObjectNode attestation = doc.putObject("attestation");
			attestation.put("required", true);
			attestation.putArray("attesters").add(attester.issuer());
			attestation.putObject("claims")
				.put("image_digest", IMAGE)
				.put("config_digest", CONFIG)
				.put("model", "gpt-5-mini");
			doc.putObject("tokenPolicy").put("onAttestationMismatch", onMismatch);
		}).register();
	}

	/** An attestation of an instance of the agent, as the attester signs it. */
	private static String attestation(LocalIssuer by, TestAgent agent, ECKey instance, String image) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(by.issuer())
			.subject(agent.id())
			.issueTime(new Date())
			.expirationTime(new Date(System.currentTimeMillis() + 600_000))
			.claim("cnf", Map.of("jwk", instance.toPublicJWK().toJSONObject()))
			.claim("image_digest", image)
			.claim("config_digest", CONFIG)
			.claim("model", "gpt-5-mini")
			.build();
		return by.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(by.kid())
			.type(new JOSEObjectType("oauth-client-attestation+jwt"))
			.build(), claims);
	}

	/** The proof of possession of the instance key. */
	private static String pop(ECKey instance, String jti) throws Exception {
		SignedJWT pop = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("oauth-client-attestation-pop+jwt"))
					.build(),
				new JWTClaimsSet.Builder().audience(ISSUER).jwtID(jti).issueTime(new Date()).build());
		pop.sign(new ECDSASigner(instance));
		return pop.serialize();
	}

	private static HttpResponse<String> attestedRequest(TestAgent agent, String attestation, String pop) {
		return http.postFormWithHeaders("/oauth2/token", agent.tokenForm("payments:refund"), "OAuth-Client-Attestation",
				attestation, "OAuth-Client-Attestation-PoP", pop);
	}

	private static ECKey instanceKey() throws Exception {
		return new ECKeyGenerator(Curve.P_256).generate();
	}

	private static String status(TestAgent agent) {
		return TestHttp.json(http.get("/admin/v1/agents/" + agent.id(), admin)).get("status").asString();
	}

	@Test
	void anAttestedTokenCarriesTheMatchedClaimsAndIntrospectionReturnsThem() throws Exception {
		TestAgent agent = attestedAgent("deny");
		ECKey instance = instanceKey();
		HttpResponse<String> response = attestedRequest(agent, attestation(attester, agent, instance, IMAGE),
				pop(instance, UUID.randomUUID().toString()));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String token = TestHttp.json(response).get("access_token").asString();
		JsonNode attested = TestHttp.claims(token).get("attested");
		assertThat(attested.get("image_digest").asString()).isEqualTo(IMAGE);
		assertThat(attested.get("model").asString()).isEqualTo("gpt-5-mini");
		assertThat(attested.get("attester").asString()).isEqualTo(attester.issuer());
		JsonNode introspection = TestHttp.json(http.postForm("/oauth2/introspect", agent.tokenAuthForm(token)));
		assertThat(introspection.get("active").asBoolean()).isTrue();
		assertThat(introspection.get("attested").get("config_digest").asString()).isEqualTo(CONFIG);
	}

	/**
	 * Every token request of an agent that requires attestation carries one, a token
	 * exchange for a sub-agent included; the derived token carries what was attested.
	 */
	@Test
	void aTokenExchangeOfAnAttestedAgentIsAttestedTooAndTheDerivedTokenSaysWhat() throws Exception {
		TestAgent agent = attestedAgent("deny");
		ECKey instance = instanceKey();
		HttpResponse<String> issued = attestedRequest(agent, attestation(attester, agent, instance, IMAGE),
				pop(instance, UUID.randomUUID().toString()));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		String token = TestHttp.json(issued).get("access_token").asString();
		Map<String, String> exchange = agent.exchangeForm(token, "refunder", "payments:refund");
		assertOAuthError(http.postForm("/oauth2/token", exchange), 401, "invalid_client",
				"the agent requires attestation");
		HttpResponse<String> derived = http.postFormWithHeaders("/oauth2/token",
				agent.exchangeForm(token, "refunder", "payments:refund"), "OAuth-Client-Attestation",
				attestation(attester, agent, instance, IMAGE), "OAuth-Client-Attestation-PoP",
				pop(instance, UUID.randomUUID().toString()));
		assertThat(derived.statusCode()).as(derived.body()).isEqualTo(200);
		JsonNode attested = TestHttp.claims(TestHttp.json(derived).get("access_token").asString()).get("attested");
		assertThat(attested.get("image_digest").asString()).isEqualTo(IMAGE);
		assertThat(attested.get("attester").asString()).isEqualTo(attester.issuer());
		// another image is refused at the exchange as at issuance
		assertOAuthError(
				http.postFormWithHeaders("/oauth2/token", agent.exchangeForm(token, "refunder", "payments:refund"),
						"OAuth-Client-Attestation", attestation(attester, agent, instance, "sha256:" + "0".repeat(64)),
						"OAuth-Client-Attestation-PoP", pop(instance, UUID.randomUUID().toString())),
				401, "invalid_client", "attestation does not match the registered agent");
	}

	/** The CIBA poll that collects an approval is a token request too: attested. */
	@Test
	void theCibaPollOfAnAttestedAgentIsAttestedTooAndTheApprovedTokenSaysWhat() throws Exception {
		TestAgent agent = agents.document("attested-approvals")
			.scope("payments:refund", "critical")
			.tool("payments", "https://mcp.example.com/attested-payments", "refund")
			.edit((doc) -> {
				ObjectNode attestation = doc.putObject("attestation");
				attestation.put("required", true);
				attestation.putArray("attesters").add(attester.issuer());
				attestation.putObject("claims").put("image_digest", IMAGE);
				doc.putObject("humanOversight").putArray("requiredFor").add("payments:refund");
				((ObjectNode) doc.get("humanOversight")).putArray("approvers").add("finance-lead");
			})
			.register();
		Map<String, String> ask = agent.authForm();
		ask.put("authorization_details", "[{\"type\": \"tool_call\", \"tool\": \"payments\", \"action\": \"refund\"}]");
		HttpResponse<String> started = http.postForm("/oauth2/bc-authorize", ask);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		String authReqId = TestHttp.json(started).get("auth_req_id").asString();
		Approvals approvals = provider.context().getBean(Approvals.class);
		ApprovalId id = approvals.pending(new ApprovalFilter(null, AgentId.of(agent.id())), null, 10)
			.items()
			.get(0)
			.id();
		approvals.decide(id, new Approver("lead@example.com", Set.of("approver:finance-lead")),
				Approvals.Verdict.APPROVE, null);
		assertOAuthError(http.postForm("/oauth2/token", cibaPoll(agent, authReqId)), 401, "invalid_client",
				"the agent requires attestation");
		ECKey instance = instanceKey();
		HttpResponse<String> collected = http.postFormWithHeaders("/oauth2/token", cibaPoll(agent, authReqId),
				"OAuth-Client-Attestation", attestation(attester, agent, instance, IMAGE),
				"OAuth-Client-Attestation-PoP", pop(instance, UUID.randomUUID().toString()));
		assertThat(collected.statusCode()).as(collected.body()).isEqualTo(200);
		JsonNode claims = TestHttp.claims(TestHttp.json(collected).get("access_token").asString());
		assertThat(claims.get("attested").get("image_digest").asString()).isEqualTo(IMAGE);
		assertThat(claims.get("approval").get("id").asString()).isEqualTo(id.toString());
	}

	/** A CIBA poll with a fresh client assertion. */
	private static Map<String, String> cibaPoll(TestAgent agent, String authReqId) {
		Map<String, String> poll = agent.authForm();
		poll.put("grant_type", "urn:openid:params:grant-type:ciba");
		poll.put("auth_req_id", authReqId);
		return poll;
	}

	@Test
	void anAttestationIsRequiredAndItsProofMustBeFreshAndByTheInstanceKey() throws Exception {
		TestAgent agent = attestedAgent("deny");
		assertOAuthError(http.postForm("/oauth2/token", agent.tokenForm("payments:refund")), 401, "invalid_client",
				"the agent requires attestation");
		ECKey instance = instanceKey();
		assertOAuthError(
				attestedRequest(agent, attestation(attester, agent, instance, IMAGE),
						pop(instanceKey(), UUID.randomUUID().toString())),
				401, "invalid_client", "the PoP is not signed by the attested instance key");
		String once = pop(instance, UUID.randomUUID().toString());
		assertThat(attestedRequest(agent, attestation(attester, agent, instance, IMAGE), once).statusCode())
			.isEqualTo(200);
		assertOAuthError(attestedRequest(agent, attestation(attester, agent, instance, IMAGE), once), 401,
				"invalid_client", "the PoP was already used (replayed jti)");
		// signed by a trusted issuer that is not listed for this agent
		assertOAuthError(
				attestedRequest(agent, attestation(spire, agent, instance, IMAGE),
						pop(instance, UUID.randomUUID().toString())),
				401, "invalid_client", "is not listed for this agent");
		assertThat(TestAssertions.auditCount(jdbc(), agent.id(), "token.denied")).isEqualTo(4);
		assertThat(tokens(agent)).isEqualTo(1);
	}

	@Test
	void aDigestMismatchIsRefusedAuditedWithBothValuesAndTheAgentStaysActiveUnderDeny() throws Exception {
		TestAgent agent = attestedAgent("deny");
		ECKey instance = instanceKey();
		assertOAuthError(
				attestedRequest(agent, attestation(attester, agent, instance, NEW_IMAGE),
						pop(instance, UUID.randomUUID().toString())),
				401, "invalid_client", "attestation does not match the registered agent");
		String details = jdbc()
			.sql("SELECT details::text FROM audit_record WHERE chain = ? AND action = 'attestation.mismatched'")
			.param(agent.id())
			.query(String.class)
			.single();
		assertThat(details).contains(IMAGE, NEW_IMAGE, "\"reaction\": \"deny\"");
		assertThat(status(agent)).isEqualTo("active");
		assertThat(tokens(agent)).isZero();
	}

	@Test
	void aDigestMismatchSuspendsTheAgentUnderSuspend() throws Exception {
		TestAgent agent = attestedAgent("suspend");
		ECKey instance = instanceKey();
		assertOAuthError(
				attestedRequest(agent, attestation(attester, agent, instance, NEW_IMAGE),
						pop(instance, UUID.randomUUID().toString())),
				401, "invalid_client", "attestation does not match the registered agent");
		assertThat(status(agent)).isEqualTo("suspended");
		assertThat(TestAssertions.auditCount(jdbc(), agent.id(), "attestation.mismatched")).isEqualTo(1);
	}

	@Test
	void aNewDocumentVersionPinningTheNewDigestApprovesTheNewCode() throws Exception {
		TestAgent agent = attestedAgent("deny");
		ECKey instance = instanceKey();
		assertThat(attestedRequest(agent, attestation(attester, agent, instance, NEW_IMAGE),
				pop(instance, UUID.randomUUID().toString()))
			.statusCode()).isEqualTo(401);
		HttpResponse<String> patched = http.send("PATCH", "/admin/v1/agents/" + agent.id(), admin,
				"application/merge-patch+json",
				"{\"attestation\":{\"required\":true,\"attesters\":[\"" + attester.issuer()
						+ "\"],\"claims\":{\"image_digest\":\"" + NEW_IMAGE + "\",\"config_digest\":\"" + CONFIG
						+ "\",\"model\":\"gpt-5-mini\"}}}");
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
		assertThat(TestHttp.json(patched).get("version").asLong()).isEqualTo(2);
		assertThat(attestedRequest(agent, attestation(attester, agent, instance, NEW_IMAGE),
				pop(instance, UUID.randomUUID().toString()))
			.statusCode()).isEqualTo(200);
		assertOAuthError(
				attestedRequest(agent, attestation(attester, agent, instance, IMAGE),
						pop(instance, UUID.randomUUID().toString())),
				401, "invalid_client", "attestation does not match the registered agent");
	}

	@Test
	void anAttestationDeclarationIsChecked() {
		assertProblem(agents.document().scopes("a:b").edit((doc) -> {
			ObjectNode attestation = doc.putObject("attestation");
			attestation.putArray("attesters").add(attester.issuer());
			attestation.putObject("claims").put("image_digest", "latest");
		}).post(), 400, "attestation.claims.image_digest: must be sha256:");
		assertProblem(agents.document().scopes("a:b").edit((doc) -> {
			ObjectNode attestation = doc.putObject("attestation");
			attestation.putArray("attesters").add(attester.issuer());
			attestation.putObject("claims").put("kernel", "6.1");
		}).post(), 400, "attestation.claims.kernel: is not a claim an attestation pins");
		assertProblem(agents.document()
			.scopes("a:b")
			.edit((doc) -> doc.putObject("tokenPolicy").put("onAttestationMismatch", "explode"))
			.post(), 400, "tokenPolicy.onAttestationMismatch: must be");
	}

}
