package dev.agentidp.app;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAssertions;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentStatus;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.NewKey;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.TokenPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sub-agent delegation end to end (RFC 8693 token exchange) on a real PostgreSQL: the
 * token shape, narrowing of scope, audience, expiry and depth, derived identities, the
 * cascade of revocation, and one test per refusal (RFC 6749/8693 error, audited, nothing
 * written).
 */
class DelegationIntegrationTests extends ProviderIntegrationTestSupport {

	static final String RS_SECRET = "delegation-rs-secret-0123456789-abcdefghijklmnop";

	static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

	@BeforeEach
	void setUp() {
		if (this.clients.findClient("rs-deleg").isEmpty()) {
			this.clients.registerWithSecret("rs-deleg", "Resource server", ClientKind.RESOURCE_SERVER, RS_SECRET,
					Set.of());
		}
	}

	@Test
	void parentDerivesANarrowerTokenForASubAgentWithTheActChain() {
		TestAgent root = registerRoot(3, "crm:read", "crm:write", "mail:send");
		String rootToken = token(root, "crm:read crm:write", "https://api.example.com", "https://mail.example.com");
		JsonNode parentClaims = TestHttp.claims(rootToken);
		HttpResponse<String> response = exchange(root, rootToken, "summariser", "crm:read", null,
				Map.of("resource", "https://api.example.com"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = TestHttp.json(response);
		assertThat(body.get("issued_token_type").asString()).isEqualTo(ACCESS_TOKEN);
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.get("scope").asString()).isEqualTo("crm:read");
		String subId = body.get("sub_agent_id").asString();
		JsonNode claims = TestHttp.claims(body.get("access_token").asString());
		assertThat(claims.get("sub").asString()).isEqualTo(root.id());
		assertThat(claims.get("act").get("sub").asString()).isEqualTo(subId);
		assertThat(claims.get("act").has("act")).isFalse();
		assertThat(claims.get("client_id").asString()).isEqualTo(root.id());
		assertThat(claims.get("parent_jti").asString()).isEqualTo(parentClaims.get("jti").asString());
		assertThat(claims.get("scope").asString()).isEqualTo("crm:read");
		assertThat(claims.get("aud").size()).isEqualTo(1);
		assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(parentClaims.get("exp").asLong());
		Agent sub = this.agents.getAgent(AgentId.of(subId));
		assertThat(sub.parentId()).isEqualTo(AgentId.of(root.id()));
		assertThat(sub.owner()).isEqualTo("owner@example.com");
		assertThat(sub.scopes()).containsExactly("crm:read");
		JsonNode introspection = introspect(body.get("access_token").asString());
		assertThat(introspection.get("active").asBoolean()).isTrue();
		assertThat(introspection.get("act").get("sub").asString()).isEqualTo(subId);
		assertThat(introspection.get("delegation_depth").asInt()).isEqualTo(1);
		assertThat(introspection.get("parent_jti").asString()).isEqualTo(parentClaims.get("jti").asString());
		assertThat(TestAssertions.auditCount(this.jdbc, root.id(), "token.exchanged")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, subId, "token.exchanged")).isEqualTo(1);
		// the same name under the same parent reuses the identity
		HttpResponse<String> again = exchange(root, rootToken, "summariser", "crm:write", null, Map.of());
		assertThat(TestHttp.json(again).get("sub_agent_id").asString()).isEqualTo(subId);
	}

	@Test
	void subAgentWithItsOwnKeyDelegatesFurtherAndTheActChainNests() throws Exception {
		TestAgent root = registerRoot(3, "crm:read", "crm:write");
		String rootToken = token(root, "crm:read crm:write");
		OctetKeyPair childKey = TestAgent.newKey();
		JsonNode child = TestHttp.json(exchange(root, rootToken, "child", "crm:read crm:write", childKey, Map.of()));
		String childId = child.get("sub_agent_id").asString();
		JsonNode childClaims = TestHttp.claims(child.get("access_token").asString());
		assertThat(childClaims.get("cnf").get("jkt").asString())
			.isEqualTo(childKey.toPublicJWK().computeThumbprint().toString());
		TestAgent childAgent = new TestAgent(childId, childKey, this.http.baseUrl());
		HttpResponse<String> response = exchange(childAgent, child.get("access_token").asString(), "grandchild",
				"crm:read", TestAgent.newKey(), Map.of());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode grandchild = TestHttp.json(response);
		JsonNode claims = TestHttp.claims(grandchild.get("access_token").asString());
		assertThat(claims.get("sub").asString()).isEqualTo(root.id());
		assertThat(claims.get("client_id").asString()).isEqualTo(childId);
		assertThat(claims.get("act").get("sub").asString()).isEqualTo(grandchild.get("sub_agent_id").asString());
		assertThat(claims.get("act").get("act").get("sub").asString()).isEqualTo(childId);
		assertThat(introspect(grandchild.get("access_token").asString()).get("delegation_depth").asInt()).isEqualTo(2);
		// a sub-agent never gets tokens by client credentials
		assertThat(this.http.postForm("/oauth2/token", null, null, childAgent.form("EdDSA", "crm:read")).statusCode())
			.isEqualTo(400);
	}

	@Test
	void newSubAgentsBeyondTheParentsMaxSubAgentsAreInvalidRequestAndExistingOnesKeepWorking() {
		// issue 14, item 2
		TestAgent root = registerRoot(3, 2, "crm:read");
		String rootToken = token(root, "crm:read");
		String first = TestHttp.json(exchange(root, rootToken, "first", "crm:read", null, Map.of()))
			.get("sub_agent_id")
			.asString();
		assertThat(exchange(root, rootToken, "second", "crm:read", null, Map.of()).statusCode()).isEqualTo(200);
		HttpResponse<String> refused = assertRefused(root,
				exchangeForm(root, rootToken, "third", "crm:read", null, Map.of()), "invalid_request");
		assertThat(TestHttp.json(refused).get("error_description").asString()).contains("2 sub-agents")
			.contains("tokenPolicy.maxSubAgents");
		HttpResponse<String> again = exchange(root, rootToken, "first", "crm:read", null, Map.of());
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		assertThat(TestHttp.json(again).get("sub_agent_id").asString()).isEqualTo(first);
	}

	@Test
	void removingACapabilityRevokesTheLiveTokensCarryingItWithTheirDescendantsAndNarrowsSubAgents() {
		// issue 14, item 7
		TestAgent root = registerRoot(3, "crm:read", "crm:write");
		String both = token(root, "crm:read crm:write");
		String readOnly = token(root, "crm:read");
		JsonNode writer = TestHttp.json(exchange(root, both, "writer", "crm:write", null, Map.of()));
		JsonNode mixed = TestHttp.json(exchange(root, both, "mixed", "crm:read crm:write", null, Map.of()));
		JsonNode reader = TestHttp.json(exchange(root, readOnly, "reader", "crm:read", null, Map.of()));
		long revokedRecords = TestAssertions.auditCount(this.jdbc, root.id(), "token.revoked");

		this.agents.update(AgentId.of(root.id()),
				(current) -> new AgentProfile(current.name(), current.owner(), current.team(), current.platform(),
						current.environment(), current.description(), current.role(),
						List.of(new Capability("crm:read", null, RiskLevel.LOW)), current.tools(), current.resources(),
						current.dataAccess(), current.humanOversight(), current.tokenPolicy()),
				null, "test-admin");

		assertThat(introspect(both).get("active").asBoolean()).isFalse();
		assertThat(introspect(writer.get("access_token").asString()).get("active").asBoolean()).isFalse();
		assertThat(introspect(mixed.get("access_token").asString()).get("active").asBoolean()).isFalse();
		assertThat(introspect(readOnly).get("active").asBoolean()).isTrue();
		assertThat(introspect(reader.get("access_token").asString()).get("active").asBoolean()).isTrue();
		Agent writerAgent = this.agents.getAgent(AgentId.of(writer.get("sub_agent_id").asString()));
		assertThat(writerAgent.status()).isEqualTo(dev.agentidp.registry.AgentStatus.RETIRED);
		Agent mixedAgent = this.agents.getAgent(AgentId.of(mixed.get("sub_agent_id").asString()));
		assertThat(mixedAgent.scopes()).containsExactly("crm:read");
		assertThat(TestAssertions.auditCount(this.jdbc, root.id(), "token.revoked")).isEqualTo(revokedRecords + 1);
		assertThat(TestAssertions.auditCount(this.jdbc, root.id(), "agent.capabilities_removed")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, mixedAgent.id().toString(), "agent.updated")).isEqualTo(1);
		assertThat(TestAssertions.auditCount(this.jdbc, writerAgent.id().toString(), "agent.retired")).isEqualTo(1);
		// the removed scope can be obtained neither directly nor by delegation
		assertThat(this.http.postForm("/oauth2/token", null, null, root.form("EdDSA", "crm:write")).statusCode())
			.isEqualTo(400);
		assertRefused(root, exchangeForm(root, readOnly, "mixed", "crm:read crm:write", null, Map.of()),
				"invalid_scope");
	}

	@Test
	void expiryIsCappedByTheSubjectTokensExpiry() {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = tokenWithTtl(root, "crm:read", "120");
		JsonNode body = TestHttp.json(exchange(root, rootToken, "s", "crm:read", null, Map.of("ttl", "3600")));
		assertThat(TestHttp.claims(body.get("access_token").asString()).get("exp").asLong())
			.isEqualTo(TestHttp.claims(rootToken).get("exp").asLong());
	}

	@Test
	void wideningScopeIsInvalidScope() {
		TestAgent root = registerRoot(3, "crm:read", "crm:write");
		String rootToken = token(root, "crm:read");
		assertRefused(root, exchangeForm(root, rootToken, "s", "crm:read crm:write", null, Map.of()), "invalid_scope");
		assertRefused(root, exchangeForm(root, rootToken, "s", "", null, Map.of()), "invalid_scope");
	}

	@Test
	void wideningAudienceIsInvalidTarget() {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read", "https://api.example.com");
		assertRefused(root,
				exchangeForm(root, rootToken, "s", "crm:read", null, Map.of("resource", "https://other.example.com")),
				"invalid_target");
	}

	@Test
	void aKeyBoundSubjectTokenIsExchangedOnlyWithAProofByThatKey() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		OctetKeyPair childKey = TestAgent.newKey();
		JsonNode child = TestHttp.json(exchange(root, rootToken, "bound-child", "crm:read", childKey, Map.of()));
		// RFC 9449 §5: a bound token's exchange answer says DPoP
		assertThat(child.get("token_type").asString()).isEqualTo("DPoP");
		TestAgent childAgent = new TestAgent(child.get("sub_agent_id").asString(), childKey, this.http.baseUrl());
		Map<String, String> form = exchangeForm(childAgent, child.get("access_token").asString(), "grandchild",
				"crm:read", null, Map.of());
		HttpResponse<String> withoutProof = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(withoutProof.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(withoutProof).get("error").asString()).isEqualTo("invalid_dpop_proof");
		assertThat(TestHttp.json(withoutProof).get("error_description").asString()).contains("needs a DPoP proof");
		HttpResponse<String> otherKey = this.http.postFormWithProof("/oauth2/token", exchangeForm(childAgent,
				child.get("access_token").asString(), "grandchild", "crm:read", null, Map.of()),
				dpopProof(TestAgent.newKey()));
		assertThat(otherKey.statusCode()).isEqualTo(400);
		assertThat(TestHttp.json(otherKey).get("error_description").asString()).contains("not signed by the key");
		HttpResponse<String> withProof = this.http.postFormWithProof("/oauth2/token", exchangeForm(childAgent,
				child.get("access_token").asString(), "grandchild", "crm:read", null, Map.of()), dpopProof(childKey));
		assertThat(withProof.statusCode()).as(withProof.body()).isEqualTo(200);
		// no sub_agent_jwk: the derived token is bound to the request's proof key
		assertThat(TestHttp.claims(TestHttp.json(withProof).get("access_token").asString())
			.get("cnf")
			.get("jkt")
			.asString()).isEqualTo(childKey.toPublicJWK().computeThumbprint().toString());
	}

	@Test
	void anUnboundSubjectTokensExchangeWithAProofIsBoundToTheProofsKey() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		OctetKeyPair proofKey = TestAgent.newKey();
		HttpResponse<String> response = this.http.postFormWithProof("/oauth2/token",
				exchangeForm(root, rootToken, "proof-bound", "crm:read", null, Map.of()), dpopProof(proofKey));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(TestHttp.json(response).get("token_type").asString()).isEqualTo("DPoP");
		assertThat(TestHttp.claims(TestHttp.json(response).get("access_token").asString())
			.get("cnf")
			.get("jkt")
			.asString()).isEqualTo(proofKey.toPublicJWK().computeThumbprint().toString());
		// and without a proof the derived token is a bearer token, as before
		JsonNode bearer = TestHttp.json(exchange(root, rootToken, "bearer-child", "crm:read", null, Map.of()));
		assertThat(bearer.get("token_type").asString()).isEqualTo("Bearer");
	}

	@Test
	void exceedingTheRootsDelegationDepthIsInvalidRequestNamingTheLimit() throws Exception {
		TestAgent root = registerRoot(1, "crm:read");
		String rootToken = token(root, "crm:read");
		OctetKeyPair childKey = TestAgent.newKey();
		JsonNode child = TestHttp.json(exchange(root, rootToken, "child", "crm:read", childKey, Map.of()));
		TestAgent childAgent = new TestAgent(child.get("sub_agent_id").asString(), childKey, this.http.baseUrl());
		HttpResponse<String> response = assertRefused(childAgent, exchangeForm(childAgent,
				child.get("access_token").asString(), "grandchild", "crm:read", null, Map.of()), "invalid_request");
		assertThat(TestHttp.json(response).get("error_description").asString()).contains("limit of 1");
	}

	@Test
	void subjectTokensThatAreNotActiveOrNotHeldAreInvalidGrant() {
		TestAgent root = registerRoot(3, "crm:read");
		TestAgent other = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		assertRefused(other, exchangeForm(other, rootToken, "s", "crm:read", null, Map.of()), "invalid_grant");
		assertRefused(root, exchangeForm(root, "not.a.token", "s", "crm:read", null, Map.of()), "invalid_grant");
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		assertRefused(root, exchangeForm(root, admin, "s", "crm:read", null, Map.of()), "invalid_grant");
		this.http.postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET, Map.of("token", rootToken));
		assertRefused(root, exchangeForm(root, rootToken, "s", "crm:read", null, Map.of()), "invalid_grant");
	}

	@Test
	void expiredSubjectTokenIsInvalidGrant() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = tokenWithTtl(root, "crm:read", "1");
		Thread.sleep(2100);
		assertRefused(root, exchangeForm(root, rootToken, "s", "crm:read", null, Map.of()), "invalid_grant");
	}

	@Test
	void malformedExchangeRequestsAreInvalidRequest() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		assertRefused(root, exchangeForm(root, rootToken, null, "crm:read", null, Map.of()), "invalid_request");
		assertRefused(root, exchangeForm(root, rootToken, "bad name!", "crm:read", null, Map.of()), "invalid_request");
		assertRefused(root, exchangeForm(root, rootToken, "x".repeat(65), "crm:read", null, Map.of()),
				"invalid_request");
		assertRefused(root, exchangeForm(root, rootToken, "s", "crm:read", null,
				Map.of("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")), "invalid_request");
		assertRefused(root, exchangeForm(root, rootToken, "s", "crm:read", null,
				Map.of("actor_token", rootToken, "actor_token_type", ACCESS_TOKEN)), "invalid_request");
		Map<String, String> privateKey = exchangeForm(root, rootToken, "s", "crm:read", null, Map.of());
		privateKey.put("sub_agent_jwk", TestAgent.newKey().toJSONString());
		assertRefused(root, privateKey, "invalid_request");
		Map<String, String> rsa = exchangeForm(root, rootToken, "s", "crm:read", null, Map.of());
		rsa.put("sub_agent_jwk", new RSAKeyGenerator(2048).generate().toPublicJWK().toJSONString());
		assertRefused(root, rsa, "invalid_request");
		Map<String, String> notJson = exchangeForm(root, rootToken, "s", "crm:read", null, Map.of());
		notJson.put("sub_agent_jwk", "{not json");
		assertRefused(root, notJson, "invalid_request");
	}

	@Test
	void duplicatedExchangeParametersAreInvalidRequest() {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		for (String repeated : List.of("sub_agent", "subject_token", "scope", "subject_token_type")) {
			Map<String, String> form = exchangeForm(root, rootToken, "s", "crm:read", null, Map.of());
			String body = TestHttp.encode(form) + "&" + repeated + "=" + TestHttp.enc(form.get(repeated));
			long rows = TestAssertions.rows(this.jdbc, "issued_token");
			HttpResponse<String> response = this.http.post("/oauth2/token", null, null,
					"application/x-www-form-urlencoded", body);
			assertThat(response.statusCode()).as(repeated).isEqualTo(400);
			assertThat(TestHttp.json(response).get("error").asString()).isEqualTo("invalid_request");
			assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(rows);
		}
	}

	@Test
	void revokingATokenRevokesEveryTokenDerivedFromItAndOnlyThose() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		String sibling = token(root, "crm:read");
		OctetKeyPair childKey = TestAgent.newKey();
		JsonNode child = TestHttp.json(exchange(root, rootToken, "c", "crm:read", childKey, Map.of()));
		TestAgent childAgent = new TestAgent(child.get("sub_agent_id").asString(), childKey, this.http.baseUrl());
		String grandchild = TestHttp
			.json(exchange(childAgent, child.get("access_token").asString(), "g", "crm:read", null, Map.of()))
			.get("access_token")
			.asString();
		String admin = this.http.token("idp-admin", ADMIN_SECRET, "idp:admin");
		HttpResponse<String> revoked = this.http.post("/admin/v1/tokens/revoke", null, null, "application/json",
				"{\"jti\":\"" + TestHttp.claims(rootToken).get("jti").asString() + "\"}", admin);
		assertThat(revoked.body()).isEqualTo("{\"revoked\":3}");
		assertThat(introspect(child.get("access_token").asString()).get("active").asBoolean()).isFalse();
		assertThat(introspect(grandchild).get("active").asBoolean()).isFalse();
		assertThat(introspect(sibling).get("active").asBoolean()).isTrue();
		assertThat(this.jdbc
			.sql("SELECT details->>'revoked' FROM audit_record WHERE chain = ? AND action = 'token.revoked'")
			.param(root.id())
			.query(String.class)
			.list()).contains("3");
	}

	@Test
	void suspendingTheRootRevokesTheWholeTreeAndRetiringRetiresTheSubAgents() throws Exception {
		TestAgent root = registerRoot(3, "crm:read");
		String rootToken = token(root, "crm:read");
		OctetKeyPair childKey = TestAgent.newKey();
		JsonNode child = TestHttp.json(exchange(root, rootToken, "c", "crm:read", childKey, Map.of()));
		String childId = child.get("sub_agent_id").asString();
		this.agents.suspend(AgentId.of(root.id()), "incident", "test");
		assertThat(introspect(child.get("access_token").asString()).get("active").asBoolean()).isFalse();
		this.agents.resume(AgentId.of(root.id()), "resolved", "test");
		assertThat(introspect(child.get("access_token").asString()).get("active").asBoolean()).isFalse();
		this.agents.retire(AgentId.of(root.id()), "done", "test");
		assertThat(this.agents.getAgent(AgentId.of(childId)).status()).isEqualTo(AgentStatus.RETIRED);
	}

	/**
	 * Random delegation trees (depth ≤ 4, fan-out ≤ 5) with random narrowed scopes: every
	 * token's scopes and expiry stay within its parent's, and revoking a random node
	 * makes exactly its subtree inactive.
	 */
	@Test
	void randomDelegationTreesOnlyNarrowAndRevocationTakesExactlyTheSubtree() throws Exception {
		Random random = new Random(20261128L);
		List<String> capabilities = List.of("a:1", "a:2", "a:3", "a:4", "a:5");
		for (int tree = 0; tree < 3; tree++) {
			TestAgent root = registerRoot(4, capabilities.toArray(String[]::new));
			Map<String, String> rootForm = root.form("EdDSA", String.join(" ", capabilities));
			rootForm.put("ttl", String.valueOf(600 + random.nextInt(3000)));
			Node rootNode = new Node(null, root,
					TestHttp.json(this.http.postForm("/oauth2/token", null, null, rootForm))
						.get("access_token")
						.asString(),
					0);
			List<Node> nodes = new ArrayList<>(List.of(rootNode));
			for (int i = 0; i < nodes.size() && nodes.size() < 30; i++) {
				Node parent = nodes.get(i);
				if (parent.depth() == 4) {
					continue;
				}
				int fanOut = random.nextInt(6);
				for (int c = 0; c < fanOut && nodes.size() < 30; c++) {
					List<String> parentScopes = List
						.of(TestHttp.claims(parent.token()).get("scope").asString().split(" "));
					List<String> narrowed = new ArrayList<>(parentScopes);
					java.util.Collections.shuffle(narrowed, random);
					narrowed = narrowed.subList(0, 1 + random.nextInt(narrowed.size()));
					OctetKeyPair key = TestAgent.newKey();
					HttpResponse<String> response = exchange(parent.holder(), parent.token(), "n" + nodes.size(),
							String.join(" ", narrowed), key, Map.of("ttl", String.valueOf(60 + random.nextInt(7200))));
					assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
					JsonNode body = TestHttp.json(response);
					TestAgent holder = new TestAgent(body.get("sub_agent_id").asString(), key, this.http.baseUrl());
					Node node = new Node(parent, holder, body.get("access_token").asString(), parent.depth() + 1);
					JsonNode claims = TestHttp.claims(node.token());
					JsonNode parentClaims = TestHttp.claims(parent.token());
					assertThat(Set.of(claims.get("scope").asString().split(" ")))
						.isSubsetOf(Set.of(parentClaims.get("scope").asString().split(" ")));
					assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(parentClaims.get("exp").asLong());
					nodes.add(node);
				}
			}
			Node victim = nodes.get(random.nextInt(nodes.size()));
			Set<Node> subtree = new HashSet<>();
			for (Node node : nodes) {
				for (Node up = node; up != null; up = up.parent()) {
					if (up == victim) {
						subtree.add(node);
					}
				}
			}
			this.http.postForm("/oauth2/revoke", "idp-admin", ADMIN_SECRET, Map.of("token", victim.token()));
			for (Node node : nodes) {
				assertThat(introspect(node.token()).get("active").asBoolean()).isEqualTo(!subtree.contains(node));
			}
		}
	}

	record Node(Node parent, TestAgent holder, String token, int depth) {
	}

	// --- helpers
	// ------------------------------------------------------------------------

	private HttpResponse<String> assertRefused(TestAgent caller, Map<String, String> form, String error) {
		long tokens = TestAssertions.rows(this.jdbc, "issued_token");
		long agents = TestAssertions.rows(this.jdbc, "agent");
		long denials = this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied' AND decision = 'deny'")
			.param(caller.id())
			.query(Long.class)
			.single();
		String subjectToken = form.get("subject_token");
		HttpResponse<String> response = isBound(subjectToken)
				? this.http.postFormWithProof("/oauth2/token", form, dpopProof(caller.key()))
				: this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isBetween(400, 401);
		assertThat(TestHttp.json(response).get("error").asString()).as(response.body()).isEqualTo(error);
		assertThat(response.body()).doesNotContain("Exception");
		assertThat(TestAssertions.rows(this.jdbc, "issued_token")).isEqualTo(tokens);
		assertThat(TestAssertions.rows(this.jdbc, "agent")).isEqualTo(agents);
		assertThat(this.jdbc
			.sql("SELECT count(*) FROM audit_record WHERE chain = ? AND action = 'token.denied' AND decision = 'deny'")
			.param(caller.id())
			.query(Long.class)
			.single()).isEqualTo(denials + 1);
		return response;
	}

	private HttpResponse<String> exchange(TestAgent caller, String subjectToken, String subAgent, String scope,
			OctetKeyPair subAgentKey, Map<String, String> extra) {
		Map<String, String> form = exchangeForm(caller, subjectToken, subAgent, scope, subAgentKey, extra);
		if (isBound(subjectToken)) {
			// RFC 9449: a subject token bound to the caller's key is presented with a
			// proof by that key
			return this.http.postFormWithProof("/oauth2/token", form, dpopProof(caller.key()));
		}
		return this.http.postForm("/oauth2/token", null, null, form);
	}

	/** Whether a token is one of ours bound to a key ({@code cnf}); junk is not. */
	private static boolean isBound(String token) {
		try {
			return token != null && TestHttp.claims(token).has("cnf");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Map<String, String> exchangeForm(TestAgent caller, String subjectToken, String subAgent, String scope,
			OctetKeyPair subAgentKey, Map<String, String> extra) {
		Map<String, String> form = caller.form("EdDSA", scope);
		form.put("grant_type", EXCHANGE);
		form.put("subject_token", subjectToken);
		form.put("subject_token_type", ACCESS_TOKEN);
		if (subAgent != null) {
			form.put("sub_agent", subAgent);
		}
		if (subAgentKey != null) {
			form.put("sub_agent_jwk", subAgentKey.toPublicJWK().toJSONString());
		}
		form.putAll(extra);
		return form;
	}

	private String token(TestAgent agent, String scope, String... resources) {
		return agent.token(this.http, scope, Map.of(), resources);
	}

	private String tokenWithTtl(TestAgent agent, String scope, String ttl) {
		Map<String, String> form = agent.form("EdDSA", scope);
		form.put("ttl", ttl);
		HttpResponse<String> response = this.http.postForm("/oauth2/token", null, null, form);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return TestHttp.json(response).get("access_token").asString();
	}

	private JsonNode introspect(String token) {
		return TestHttp.json(this.http.postForm("/oauth2/introspect", "rs-deleg", RS_SECRET, Map.of("token", token)));
	}

	private TestAgent registerRoot(int maxDepth, String... scopes) {
		return registerRoot(maxDepth, 100, scopes);
	}

	private TestAgent registerRoot(int maxDepth, int maxSubAgents, String... scopes) {
		// the resources the tests' tokens name (issue 14, item 10)
		AgentProfile profile = new AgentProfile("root-" + UUID.randomUUID(), "owner@example.com", null, null, null,
				null, null, Stream.of(scopes).map((scope) -> new Capability(scope, "test", RiskLevel.LOW)).toList(),
				List.of(), List.of("https://api.example.com", "https://mail.example.com"), List.of(), null,
				new TokenPolicy(900, 7200, maxDepth, maxSubAgents));
		var registration = this.agents.register(profile, NewKey.generate(), "test");
		try {
			return new TestAgent(registration.agent().id().toString(), OctetKeyPair.parse(registration.privateJwk()),
					this.http.baseUrl());
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A DPoP proof of a token request, signed by the key (RFC 9449 §4.2). */
	private String dpopProof(OctetKeyPair key) {
		return TestAgent.dpopProof(key, "POST", this.http.baseUrl() + "/oauth2/token");
	}

}
