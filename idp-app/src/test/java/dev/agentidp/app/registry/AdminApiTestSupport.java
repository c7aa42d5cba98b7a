package dev.agentidp.app.registry;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.IdentityProviderApplication;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole provider on a real PostgreSQL and a random port; the admin API is called over
 * HTTP with a token of the bootstrap admin client. Subclasses share one context.
 */
@SpringBootTest(classes = IdentityProviderApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AdminApiTestSupport {

	static final String ADMIN_SECRET = "registry-test-bootstrap-secret-0123456789-abcdef";

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("idp.data-dir", () -> dataDir.toString());
		registry.add("IDP_BOOTSTRAP_ADMIN_SECRET", () -> ADMIN_SECRET);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	TestHttp api;

	@BeforeEach
	void api() {
		this.api = new TestHttp(this.port).as("idp-admin", ADMIN_SECRET, "idp:admin");
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
