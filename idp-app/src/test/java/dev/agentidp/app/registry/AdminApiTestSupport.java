package dev.agentidp.app.registry;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestHttp;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's journeys: the shared provider ({@link ProviderIntegrationTestSupport}),
 * called over HTTP with a token of the bootstrap admin client.
 */
abstract class AdminApiTestSupport extends ProviderIntegrationTestSupport {

	TestHttp api;

	@BeforeEach
	void api() {
		this.api = admin();
	}

	static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static ObjectNode document(String name, String owner) {
		return (ObjectNode) TestHttp.JSON.readTree(
				"""
						{"name": "%s", "owner": "%s", "team": "support", "platform": "langchain", "environment": "prod",
						 "description": "Answers support tickets", "role": "support",
						 "capabilities": [{"scope": "crm:read", "description": "read customer records", "riskLevel": "medium"}],
						 "tools": [{"id": "github", "mcpServer": "https://mcp.example.com/github", "permissions": ["create_pr"]}],
						 "dataAccess": [{"resource": "crm.customers", "access": "read", "sensitivity": "confidential"}],
						 "humanOversight": {"requiredFor": ["payments:refund"], "approvers": ["finance-lead"]},
						 "generateKey": true}
						"""
					.formatted(name, owner));
	}

	JsonNode register(String name, String owner) {
		HttpResponse<String> response = this.api.post("/admin/v1/agents", document(name, owner).toString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return TestHttp.json(response);
	}

	Map<String, Long> counts() {
		return Map.of("agent", count("agent"), "agent_key", count("agent_key"), "agent_version", count("agent_version"),
				"oauth_client", count("oauth_client"));
	}

	long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

}
