package dev.agentidp.registry;

import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.List;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test data: identity documents and keys.
 */
final class TestAgents {

	private TestAgents() {
	}

	static ObjectNode document(String name, String owner) {
		ObjectNode doc = (ObjectNode) json(
				"""
						{"name": "%s", "owner": "%s", "team": "support", "platform": "langchain", "environment": "prod",
						 "description": "Answers support tickets", "role": "support",
						 "capabilities": [{"scope": "crm:read", "description": "read customer records", "riskLevel": "medium"},
						                  {"scope": "tickets:write", "description": "answer tickets", "riskLevel": "low"}],
						 "tools": [{"id": "github", "mcpServer": "https://mcp.example.com/github", "permissions": ["create_pr"]}],
						 "dataAccess": [{"resource": "crm.customers", "access": "read", "sensitivity": "confidential"}],
						 "humanOversight": {"requiredFor": ["payments:refund"], "approvers": ["finance-lead"]}}
						"""
					.formatted(name, owner));
		return doc;
	}

	static ObjectNode withGeneratedKey(ObjectNode doc) {
		doc.put("generateKey", true);
		return doc;
	}

	static AgentProfile profile(String name, String owner, RiskLevel... risks) {
		List<Capability> capabilities = new java.util.ArrayList<>();
		for (int i = 0; i < risks.length; i++) {
			capabilities.add(new Capability("scope:" + i, "capability " + i, risks[i]));
		}
		return new AgentProfile(name, owner, null, null, Environment.DEV, null, null, capabilities, List.of(),
				List.of(), List.of(), null, null);
	}

	static JsonNode json(String text) {
		return AgentDocuments.JSON.readTree(text);
	}

	static String ed25519PublicJwk() {
		return PublicKeys.generateEd25519().publicJwk().toJSONString();
	}

	static ECKey p256() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(Curve.P_256.toECParameterSpec());
			return new ECKey.Builder(Curve.P_256, (ECPublicKey) generator.generateKeyPair().getPublic()).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
