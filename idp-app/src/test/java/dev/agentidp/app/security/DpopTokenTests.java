package dev.agentidp.app.security;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP at the token endpoint (RFC 9449 §5, issue 17): a token request with a valid proof
 * gets a {@code DPoP} token bound to the proof's key ({@code cnf.jkt}), which
 * introspection reports; a refused proof (replayed, for another endpoint, two headers)
 * gets {@code invalid_dpop_proof} (or {@code invalid_request}), is audited, and issues
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpopTokenTests {

	@TempDir
	static Path dataDir;

	private RunningProvider provider;

	private String admin;

	private RunningProvider.ResourceServer resourceServer;

	private final OctetKeyPair proofKey = generate();

	@BeforeAll
	void start() {
		this.provider = RunningProvider.start(TestDatabase.newSchema(), dataDir);
		this.admin = this.provider.adminToken();
		this.resourceServer = this.provider.registerResourceServer(this.admin, "dpop-rs");
	}

	@AfterAll
	void stop() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	private static OctetKeyPair generate() {
		try {
			return new OctetKeyPairGenerator(Curve.Ed25519).keyIDFromThumbprint(true).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String proof(Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", "POST")
			.claim("htu", this.provider.issuer() + "/oauth2/token")
			.issueTime(new Date());
		claims.accept(builder);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("dpop+jwt"))
			.jwk(this.proofKey.toPublicJWK())
			.build(), builder.build());
		try {
			jwt.sign(new Ed25519Signer(this.proofKey));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private String proof() {
		return proof((claims) -> {
		});
	}

	@Test
	void anAgentsTokenRequestWithAProofGetsADpopTokenBoundToTheProofsKey() throws JOSEException {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		HttpResponse<String> issued = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof());
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		JsonNode answer = RunningProvider.json(issued);
		// RFC 9449 §5: token_type DPoP
		assertThat(answer.get("token_type").asString()).isEqualTo("DPoP");
		String token = answer.get("access_token").asString();
		String thumbprint = this.proofKey.computeThumbprint().toString();
		// RFC 9449 §6.1: cnf.jkt, the proof key's RFC 7638 thumbprint
		assertThat(RunningProvider.payload(token).get("cnf").get("jkt").asString()).isEqualTo(thumbprint);
		JsonNode introspection = RunningProvider.json(this.provider.postForm("/oauth2/introspect",
				Map.of("token", token), this.resourceServer.clientId(), this.resourceServer.secret()));
		assertThat(introspection.get("active").asBoolean()).isTrue();
		assertThat(introspection.get("token_type").asString()).isEqualTo("DPoP");
		assertThat(introspection.get("cnf").get("jkt").asString()).isEqualTo(thumbprint);
		// without a proof, the same agent still gets a bearer token (tokenPolicy none)
		HttpResponse<String> bearer = this.provider.postForm("/oauth2/token", agent.tokenForm("crm:read"));
		assertThat(RunningProvider.json(bearer).get("token_type").asString()).isEqualTo("Bearer");
		assertThat(RunningProvider.payload(RunningProvider.json(bearer).get("access_token").asString()).has("cnf"))
			.isFalse();
	}

	@Test
	void anAdminClientsTokenRequestWithAProofGetsADpopToken() {
		HttpResponse<String> issued = this.provider.postFormWithHeaders("/oauth2/token",
				Map.of("grant_type", "client_credentials", "scope", "idp:audit:read"), "DPoP", proof(), "Authorization",
				RunningProvider.basic("idp-admin", RunningProvider.ADMIN_SECRET));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		assertThat(RunningProvider.json(issued).get("token_type").asString()).isEqualTo("DPoP");
	}

	@Test
	void aReplayedProofIsRefusedAuditedAndIssuesNothing() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		String proof = proof();
		assertThat(this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP", proof)
			.statusCode()).isEqualTo(200);
		Map<String, Long> before = this.provider.guardedRows();
		HttpResponse<String> replayed = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof);
		assertRefused(replayed, "invalid_dpop_proof", "used before");
		assertThat(this.provider.guardedRows()).isEqualTo(before);
		assertThat(this.provider.jdbc()
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied'"
					+ " AND details->>'error' = 'invalid_dpop_proof'")
			.param(agent.id())
			.query(Long.class)
			.single()).as("the refused proof is audited on the agent's chain").isEqualTo(1);
	}

	@Test
	void aProofForAnotherUriOrMethodOrTooOldIsRefused() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
						proof((claims) -> claims.claim("htu", this.provider.issuer() + "/oauth2/introspect"))),
				"invalid_dpop_proof", "htu does not match");
		assertRefused(this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
				proof((claims) -> claims.claim("htm", "GET"))), "invalid_dpop_proof", "htm does not match");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP",
						proof((claims) -> claims.issueTime(new Date(System.currentTimeMillis() - 120_000)))),
				"invalid_dpop_proof", "outside the accepted window");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"), "DPoP", "not-a-jwt"),
				"invalid_dpop_proof", "not a signed JWT");
	}

	@Test
	void twoDpopHeadersAreRefused() {
		TestAgent agent = this.provider.registerAgent(this.admin, "crm:read");
		HttpResponse<String> two = this.provider.postFormWithHeaders("/oauth2/token", agent.tokenForm("crm:read"),
				"DPoP", proof(), "DPoP", proof());
		assertThat(two.statusCode()).as(two.body()).isEqualTo(400);
		assertThat(RunningProvider.json(two).get("error").asString()).isIn("invalid_request", "invalid_dpop_proof");
	}

	@Test
	void anAgentWhosePolicyRequiresDpopGetsNoBearerTokenAndOneThatRequiresItsOwnKeyNoTokenForAnotherKey()
			throws Exception {
		TestAgent dpop = registerWithProofOfPossession("dpop");
		assertRefused(this.provider.postForm("/oauth2/token", dpop.tokenForm("crm:read")), "invalid_dpop_proof",
				"proofOfPossession is dpop");
		HttpResponse<String> withProof = this.provider.postFormWithHeaders("/oauth2/token", dpop.tokenForm("crm:read"),
				"DPoP", proof());
		assertThat(withProof.statusCode()).as(withProof.body()).isEqualTo(200);
		assertThat(RunningProvider.json(withProof).get("token_type").asString()).isEqualTo("DPoP");

		TestAgent registered = registerWithProofOfPossession("dpop-registered-key");
		assertRefused(
				this.provider.postFormWithHeaders("/oauth2/token", registered.tokenForm("crm:read"), "DPoP", proof()),
				"invalid_dpop_proof", "signed by one of the agent's registered keys");
		HttpResponse<String> ownKey = this.provider.postFormWithHeaders("/oauth2/token",
				registered.tokenForm("crm:read"), "DPoP", proofBy(registered.key()));
		assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(200);
		assertThat(RunningProvider.payload(RunningProvider.json(ownKey).get("access_token").asString())
			.get("cnf")
			.get("jkt")
			.asString()).isEqualTo(registered.key().computeThumbprint().toString());
		// the document shows the policy; an unknown value is refused naming the member
		HttpResponse<String> unknown = this.provider.postJson("/admin/v1/agents",
				"{\"name\":\"pop-bad\",\"owner\":\"o@example.com\",\"capabilities\":[{\"scope\":\"crm:read\","
						+ "\"riskLevel\":\"low\"}],\"tokenPolicy\":{\"proofOfPossession\":\"mtls\"},\"generateKey\":true}",
				this.admin);
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(RunningProvider.json(unknown).get("detail").asString())
			.contains("tokenPolicy.proofOfPossession: must be one of none|dpop|dpop-registered-key");
	}

	private TestAgent registerWithProofOfPossession(String proofOfPossession) throws Exception {
		HttpResponse<String> registered = this.provider.postJson("/admin/v1/agents",
				"{\"name\":\"pop-" + UUID.randomUUID() + "\",\"owner\":\"o@example.com\",\"capabilities\":"
						+ "[{\"scope\":\"crm:read\",\"riskLevel\":\"low\"}],\"tokenPolicy\":{\"proofOfPossession\":\""
						+ proofOfPossession + "\"},\"generateKey\":true}",
				this.admin);
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		JsonNode document = RunningProvider.json(registered);
		assertThat(document.get("tokenPolicy").get("proofOfPossession").asString()).isEqualTo(proofOfPossession);
		return new TestAgent(document.get("id").asString(), OctetKeyPair.parse(document.get("privateJwk").toString()),
				this.provider.issuer());
	}

	private String proofBy(OctetKeyPair key) throws JOSEException {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("dpop+jwt"))
					.jwk(key.toPublicJWK())
					.build(),
				new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
					.claim("htm", "POST")
					.claim("htu", this.provider.issuer() + "/oauth2/token")
					.issueTime(new Date())
					.build());
		jwt.sign(new Ed25519Signer(key));
		return jwt.serialize();
	}

	private static void assertRefused(HttpResponse<String> response, String error, String description) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		JsonNode body = RunningProvider.json(response);
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.get("error_description").asString()).contains(description);
	}

}
