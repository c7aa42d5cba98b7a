package dev.agentidp.registry;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON the agent tables hold: written in the shape it always had, read back as
 * stored. The admin API's input rules, which the document reading here once applied, are
 * the request records' (idp-app, {@code AgentDocumentRequestTests}).
 */
class StoredDocumentsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

	private static AgentProfile profile() {
		return TestAgents.profile("agent-1", "Owner@Example.com");
	}

	@Test
	void storedProfileRoundTrips() {
		AgentProfile profile = profile();
		assertThat(StoredDocuments.readProfile(StoredDocuments.profileJson(profile))).isEqualTo(profile);
		AgentProfile sparse = TestAgents.profile("a", "o@example.com", RiskLevel.LOW);
		assertThat(StoredDocuments.readProfile(StoredDocuments.profileJson(sparse))).isEqualTo(sparse);
	}

	@Test
	void storedProfileIsWrittenWithEveryWritableFieldInItsOrder() {
		JsonNode json = JSON.readTree(StoredDocuments.profileJson(profile()));
		assertThat(json.propertyNames()).containsExactly("name", "owner", "team", "platform", "environment",
				"description", "role", "capabilities", "tools", "resources", "dataAccess", "humanOversight",
				"tokenPolicy");
		assertThat(json.get("owner").stringValue()).isEqualTo("owner@example.com");
		assertThat(json.get("tokenPolicy").toString()).isEqualTo(
				"{\"defaultTtlSeconds\":900,\"maxTtlSeconds\":3600,\"maxDelegationDepth\":3,\"maxSubAgents\":100,"
						+ "\"proofOfPossession\":\"none\",\"approvedTokenTtlSeconds\":300}");
	}

	@Test
	void conditionsBudgetAndProofOfPossessionAreStoredAsWrittenAndReadBack() {
		AgentProfile base = profile();
		AgentProfile profile = base
			.withCapabilities(java.util.List.of(new Capability("crm:read", null, RiskLevel.LOW, "request.cost < 5.0")));
		TokenPolicy policy = new TokenPolicy(
				900, 3600, 3, 100, new TaskBudget("usd", new java.math.BigDecimal("50.00"),
						new java.math.BigDecimal("0.9"), new java.math.BigDecimal("1.0")),
				ProofOfPossession.DPOP_REGISTERED_KEY);
		AgentProfile withPolicy = new AgentProfile(profile.name(), profile.owner(), profile.team(), profile.platform(),
				profile.environment(), profile.description(), profile.role(), profile.capabilities(), profile.tools(),
				profile.resources(), java.util.List.of(new DataAccess("crm.customers", Access.WRITE,
						Sensitivity.CONFIDENTIAL, "request.time.getHours('UTC') < 4")),
				profile.humanOversight(), policy);
		String json = StoredDocuments.profileJson(withPolicy);
		assertThat(json).contains("\"perTask\":50.00").contains("\"proofOfPossession\":\"dpop-registered-key\"");
		assertThat(StoredDocuments.readProfile(json)).isEqualTo(withPolicy);
	}

	@Test
	void aStoredProfileIsReadWithoutTheInputRules() {
		String stored = """
				{"name": "older", "owner": "o@example.com", "description": "%s",
				 "capabilities": [{"scope": "a b\\u0007", "riskLevel": "low"}, {"scope": "idp:admin", "riskLevel": "low"}],
				 "tools": [{"id": "t", "mcpServer": "ftp://example.com/x"}], "resources": ["relative"],
				 "tokenPolicy": {"maxTtlSeconds": 100000, "maxDelegationDepth": 40, "maxSubAgents": 20000},
				 "future": {"member": true}}"""
			.formatted("d".repeat(5000));
		AgentProfile profile = StoredDocuments.readProfile(stored);
		assertThat(profile.scopes()).containsExactlyInAnyOrder("a b\u0007", "idp:admin");
		assertThat(profile.description()).hasSize(5000);
		assertThat(profile.tools().get(0).mcpServer()).isEqualTo("ftp://example.com/x");
		assertThat(profile.resources()).containsExactly("relative");
		assertThat(profile.tokenPolicy()).isEqualTo(new TokenPolicy(900, 100000, 40, 20000));
		assertThat(profile.humanOversight()).isEqualTo(HumanOversight.NONE);
	}

	@Test
	void versionShowsEveryFieldAndNoPrivateKey() {
		PublicKeys.GeneratedKey generated = PublicKeys.generateEd25519();
		AgentKey key = new AgentKey(generated.publicJwk().getKeyID(), generated.publicJwk(), KeyStatus.ACTIVE, NOW,
				null);
		Agent agent = Agent.register(AgentId.random(), null, profile(), key, NOW);
		String stored = StoredDocuments.versionJson(AgentVersion.of(agent, NOW));
		JsonNode json = JSON.readTree(stored);
		assertThat(json.propertyNames()).containsExactly("id", "name", "version", "owner", "team", "platform",
				"environment", "description", "role", "status", "riskLevel", "parentId", "capabilities", "tools",
				"resources", "dataAccess", "humanOversight", "tokenPolicy", "keys", "createdAt", "updatedAt");
		assertThat(json.get("parentId").isNull()).isTrue();
		assertThat(json.get("riskLevel").stringValue()).isEqualTo("medium");
		assertThat(json.get("tokenPolicy").get("maxSubAgents").intValue()).isEqualTo(100);
		JsonNode jsonKey = json.get("keys").get(0);
		assertThat(jsonKey.propertyNames()).containsExactly("kid", "kty", "crv", "x", "alg", "status", "createdAt",
				"expiresAt");
		assertThat(jsonKey.get("kid").stringValue()).isEqualTo(key.kid());
		assertThat(stored).doesNotContain("\"d\"").doesNotContain(generated.privateJwk().get("d").toString());
	}

	@Test
	void versionRoundTripsWithTheKeyStatusShownThen() {
		AgentKey p256 = PublicKeys.read("jwk", TestAgents.p256().toJSONObject(), NOW);
		AgentKey retiring = PublicKeys.read("jwk", PublicKeys.generateEd25519().publicJwk().toJSONObject(), NOW)
			.withStatus(KeyStatus.RETIRING, NOW.plusSeconds(60));
		Agent agent = new Agent(AgentId.random(), AgentId.random(), profile(), AgentStatus.SUSPENDED, 7,
				List.of(p256, retiring), NOW, NOW.plusSeconds(30));
		AgentVersion then = AgentVersion.of(agent, NOW.plusSeconds(30));
		AgentVersion read = StoredDocuments.readVersion(StoredDocuments.versionJson(then));
		assertThat(read.id()).isEqualTo(then.id());
		assertThat(read.parentId()).isEqualTo(then.parentId());
		assertThat(read.version()).isEqualTo(7);
		assertThat(read.status()).isEqualTo(AgentStatus.SUSPENDED);
		assertThat(read.profile()).isEqualTo(then.profile());
		assertThat(read.createdAt()).isEqualTo(NOW);
		assertThat(read.updatedAt()).isEqualTo(NOW.plusSeconds(30));
		assertThat(read.keys()).extracting(AgentKey::kid).containsExactly(p256.kid(), retiring.kid());
		assertThat(read.keys()).extracting(AgentKey::jwk).containsExactly(p256.jwk(), retiring.jwk());
		assertThat(read.keys().get(1).expiresAt()).isEqualTo(NOW.plusSeconds(60));
		assertThat(read.keys()).extracting(AgentKey::status).containsExactly(KeyStatus.ACTIVE, KeyStatus.RETIRING);
		// past its expiry a retiring key is shown, and kept in the version, as revoked
		AgentVersion later = AgentVersion.of(agent, NOW.plusSeconds(61));
		assertThat(StoredDocuments.readVersion(StoredDocuments.versionJson(later)).keys()).extracting(AgentKey::status)
			.containsExactly(KeyStatus.ACTIVE, KeyStatus.REVOKED);
		assertThat(StoredDocuments.versionJson(read)).isEqualTo(StoredDocuments.versionJson(then));
	}

}
